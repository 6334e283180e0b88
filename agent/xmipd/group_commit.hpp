// SPDX-License-Identifier: BSD-2-Clause
// Group commit and one outcome per Binding Update (docs/restart.md).
//
// What must not run ahead of the binding store (the datapath's map writes,
// proxy ND, Binding Acknowledgements) waits for it, and the store is
// written once, in one transaction, for everything one wakeup of the event
// loop changed (a drain of the signalling ring, timers due together).
//
// Each Binding Update's effects are one Unit: the store, then its steps
// (the map, proxy ND), then its answer (the BA). When the store's
// transaction or one of its steps fails, what its steps did is undone in
// reverse, the unit is reverted (the binding cache as it was, the store
// again in agreement with it) and it is answered as refused (the HA sends
// status 130). The same code runs inside a batch and outside one: outside,
// a unit is committed at once.
//
//   changed()          the cache differs from the store
//   submit(unit)       at the end of the batch when one is open, at once otherwise
//   begin_batch()/end_batch()   around one wakeup (the agent's dispatch hooks)
//   flush()            commit if changed, then run what waits (operator
//                      commands: in force when the operator gets the answer)
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace xmip::agent {

class GroupCommit {
public:
    // One effect: apply() throws when it fails; undo() takes back what a
    // successful apply() did (unset: nothing to take back).
    struct Step {
        std::function<void()> apply;
        std::function<void()> undo;
    };
    struct Unit {
        // Its change must be durable before its steps run. False for what a
        // failing store must not hold back (an expiry: a restart drops an
        // expired binding anyway).
        bool needs_store = true;
        // A failing step is logged and the others still run, nothing is
        // undone (an expiry: there is nobody to refuse).
        bool best_effort = false;
        std::vector<Step> steps;  // in order: the map, proxy ND, ...
        // After a failure: the cache as it was before the unit (and
        // changed() for what that changes in the store).
        std::function<void()> revert;
        // Last: ok = every step is in force (the BA accepts), or refused.
        std::function<void(bool ok)> answer;
    };

    // write: one durable transaction of what changed since the last one
    // (nullopt) or why it failed (the writer logs). Nothing of a failed
    // write was kept, except where the store had to split it (etcd, above
    // its --max-txn-ops: the earlier transactions stay); either way the
    // writer's next call writes what changed since the last success again,
    // the reverted units included, so the store agrees with the cache.
    explicit GroupCommit(std::function<std::optional<std::string>()> write) : write_(std::move(write)) {}

    void begin_batch() { batch_open_ = true; }
    void end_batch();
    void changed() { dirty_ = true; }
    void submit(Unit unit);
    void flush();

    bool batch_open() const { return batch_open_; }
    size_t waiting() const { return units_.size(); }

private:
    std::optional<std::string> commit();
    static bool run_steps(Unit& u);

    std::function<std::optional<std::string>()> write_;
    bool batch_open_ = false;
    bool dirty_ = false;       // changed since the store was written
    std::vector<Unit> units_;  // waiting for the commit, in order
};

}  // namespace xmip::agent
