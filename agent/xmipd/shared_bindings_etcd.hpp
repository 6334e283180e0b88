// SPDX-License-Identifier: BSD-2-Clause
// The SharedBindings port on etcd (docs/scale-out.md, "Shared bindings"):
// a watch of the binding store's prefix from the revision the agent's
// load() read, its events decoded by the store (this agent's own writes
// skipped) and handed to the home agent on the event loop. When etcd has
// compacted the history the watch needs, the store is read again and the
// watch restarts after that read: the service gets the whole store once.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "core/event_loop.hpp"
#include "etcd/watcher.hpp"
#include "store/etcd_store.hpp"
#include "xmipd/ports.hpp"

namespace xmip::agent {

class EtcdSharedBindings final : public SharedBindings {
public:
    EtcdSharedBindings(core::EventLoop& loop, etcd::TransportOptions opts, store::EtcdStore& store);
    ~EtcdSharedBindings() override;
    EtcdSharedBindings(const EtcdSharedBindings&) = delete;
    EtcdSharedBindings& operator=(const EtcdSharedBindings&) = delete;

    void follow(std::function<void(const SharedChanges&)> on_changes) override;

private:
    void watch();     // a new watcher from the store's revision + 1, on the loop
    void on_ready();  // the watcher's fd
    void reread();    // compacted: the whole store, then watch() again

    core::EventLoop& loop_;
    etcd::TransportOptions opts_;
    store::EtcdStore& store_;
    std::unique_ptr<etcd::Watcher> watcher_;
    std::function<void(const SharedChanges&)> on_changes_;
    std::optional<core::Timers::Id> reread_timer_;
    bool lost_ = false;  // said once while the stream is down
};

}  // namespace xmip::agent
