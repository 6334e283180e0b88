// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/group_commit.hpp"

#include <exception>

#include "core/log.hpp"

namespace xmip::agent {

void GroupCommit::submit(Unit unit) {
    units_.push_back(std::move(unit));
    if (!batch_open_) flush();
}

std::optional<std::string> GroupCommit::commit() {
    if (!dirty_) return std::nullopt;
    dirty_ = false;
    return write_();
}

void GroupCommit::end_batch() {
    batch_open_ = false;
    flush();
}

bool GroupCommit::run_steps(Unit& u) {
    size_t done = 0;
    for (; done < u.steps.size(); done++) {
        try {
            u.steps[done].apply();
        } catch (const std::exception& e) {
            XLOG_ERROR("%s", e.what());
            if (u.best_effort) continue;
            break;
        }
    }
    if (u.best_effort || done == u.steps.size()) return true;
    // Take back what the unit did, newest first; an undo that fails too is
    // logged (the next change of the binding, or a restart's
    // reconciliation, puts it right).
    while (done-- > 0) {
        if (!u.steps[done].undo) continue;
        try {
            u.steps[done].undo();
        } catch (const std::exception& e) {
            XLOG_ERROR("undoing: %s", e.what());
        }
    }
    return false;
}

void GroupCommit::flush() {
    auto units = std::move(units_);
    units_.clear();
    std::vector<bool> ok(units.size(), true);
    if (auto err = commit()) {
        // Nothing of the transaction was kept: every unit that needed it is
        // refused, newest first, so that two changes of one binding in the
        // batch unwind to what the store still holds.
        for (size_t i = units.size(); i-- > 0;) {
            if (!units[i].needs_store) continue;
            ok[i] = false;
            if (units[i].revert) units[i].revert();
        }
        dirty_ = false;  // the reverted cache is what the store holds
    }
    for (size_t i = 0; i < units.size(); i++) {
        Unit& u = units[i];
        if (ok[i] && !run_steps(u)) {
            ok[i] = false;
            if (u.revert) u.revert();
            // The store holds the change the steps could not make: it
            // follows the cache back before the refusal leaves.
            (void)commit();
        }
        if (!u.answer) continue;
        try {
            u.answer(ok[i]);
        } catch (const std::exception& e) {
            XLOG_ERROR("%s", e.what());
        }
    }
}

}  // namespace xmip::agent
