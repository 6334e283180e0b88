// SPDX-License-Identifier: BSD-2-Clause
// Group commit (docs/restart.md): what must not run ahead of the state file
// (the datapath's map writes, proxy ND, Binding Acknowledgements) waits for
// it, and the file is written once for everything one wakeup of the event
// loop changed (a drain of the signalling ring, timers due together).
//
//   changed()          the state differs from the file
//   after_commit(f)    run f once the file holds the change: at the end of
//                      the batch when one is open, at once otherwise
//   begin_batch()/end_batch()   around one wakeup (the agent's dispatch hooks)
//   flush()            write if changed, then run what waits (operator
//                      commands: in force when the operator gets the answer)
#pragma once

#include <functional>
#include <vector>

namespace xmip::agent {

class GroupCommit {
public:
    // write: writes the state file (its failures are the writer's to report:
    // serving goes on, the effects run).
    explicit GroupCommit(std::function<void()> write) : write_(std::move(write)) {}

    void begin_batch() { batch_open_ = true; }
    void end_batch();
    void changed() { dirty_ = true; }
    void after_commit(std::function<void()> effect);
    void flush();

    bool batch_open() const { return batch_open_; }
    size_t waiting() const { return effects_.size(); }

private:
    void commit();

    std::function<void()> write_;
    bool batch_open_ = false;
    bool dirty_ = false;  // changed since the file was written
    std::vector<std::function<void()>> effects_;  // waiting for the commit, in order
};

}  // namespace xmip::agent
