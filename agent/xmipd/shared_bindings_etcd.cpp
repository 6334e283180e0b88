// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/shared_bindings_etcd.hpp"

#include "core/log.hpp"

namespace xmip::agent {

using namespace std::chrono_literals;

EtcdSharedBindings::EtcdSharedBindings(core::EventLoop& loop, etcd::TransportOptions opts, store::EtcdStore& store)
    : loop_(loop), opts_(std::move(opts)), store_(store) {}

EtcdSharedBindings::~EtcdSharedBindings() {
    loop_.timers().cancel(reread_timer_);
    if (watcher_) loop_.remove_fd(watcher_->fd());
}

void EtcdSharedBindings::follow(std::function<void(const SharedChanges&)> on_changes) {
    on_changes_ = std::move(on_changes);
    watch();
}

void EtcdSharedBindings::watch() {
    if (watcher_) loop_.remove_fd(watcher_->fd());
    const std::string prefix = store_.watch_prefix();
    watcher_ = std::make_unique<etcd::Watcher>(
        opts_, etcd::WatchCreateRequest{prefix, etcd::prefix_end(prefix), store_.revision() + 1, false, false});
    loop_.add_fd(watcher_->fd(), [this] { on_ready(); });
    XLOG_INFO("shared binding store: watching %s from revision %lld", prefix.c_str(),
              static_cast<long long>(store_.revision() + 1));
}

void EtcdSharedBindings::on_ready() {
    auto t = watcher_->take();
    SharedChanges out;
    for (const auto& r : t.responses) {
        if (r.response.canceled) continue;
        auto c = store_.remote(r.response.events, r.at);
        out.put.insert(out.put.end(), c.put.begin(), c.put.end());
        out.written_unix_ms.insert(out.written_unix_ms.end(), c.written_ms.begin(), c.written_ms.end());
        out.erase.insert(out.erase.end(), c.erase.begin(), c.erase.end());
        out.errors.insert(out.errors.end(), c.errors.begin(), c.errors.end());
    }
    if (t.error && !t.connected && !lost_) {
        lost_ = true;
        XLOG_WARN(
            "shared binding store: the watch stream is down (%s): other members' changes arrive when it "
            "is back, from where it stopped",
            t.error->message.c_str());
    } else if (t.connected && lost_) {
        lost_ = false;
        XLOG_INFO("shared binding store: the watch stream is back");
    }
    if (!out.put.empty() || !out.erase.empty() || !out.errors.empty()) on_changes_(out);
    if (t.ended && !reread_timer_) {
        // Not here: the watcher whose callback runs cannot be replaced in it.
        XLOG_WARN(
            "shared binding store: etcd no longer has the history the watch needs (compacted): reading "
            "the store again");
        reread_timer_ = loop_.timers().schedule(loop_.now(), [this] {
            reread_timer_.reset();
            reread();
        });
    }
}

void EtcdSharedBindings::reread() {
    auto snap = store_.load();
    if (!snap) {
        XLOG_ERROR("shared binding store: %s: trying again in 1 s", snap.error().c_str());
        reread_timer_ = loop_.timers().schedule(loop_.now() + 1s, [this] {
            reread_timer_.reset();
            reread();
        });
        return;
    }
    watch();
    SharedChanges out;
    out.whole = true;
    out.put = snap->bindings;
    on_changes_(out);
}

}  // namespace xmip::agent
