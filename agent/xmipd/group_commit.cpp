// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/group_commit.hpp"

#include <exception>

#include "core/log.hpp"

namespace xmip::agent {

void GroupCommit::after_commit(std::function<void()> effect) {
    if (batch_open_) {
        effects_.push_back(std::move(effect));
        return;
    }
    commit();
    effect();
}

void GroupCommit::commit() {
    if (!dirty_) return;
    dirty_ = false;
    write_();
}

void GroupCommit::end_batch() {
    batch_open_ = false;
    flush();
}

void GroupCommit::flush() {
    commit();
    auto effects = std::move(effects_);
    effects_.clear();
    for (auto& effect : effects) {
        // One failing effect (a netlink error, say) must not cost the
        // others theirs: each BU of the batch is answered on its own.
        try {
            effect();
        } catch (const std::exception& e) {
            XLOG_ERROR("%s", e.what());
        }
    }
}

}  // namespace xmip::agent
