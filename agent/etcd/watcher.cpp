// SPDX-License-Identifier: BSD-2-Clause
#include "etcd/watcher.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace xmip::etcd {

Watcher::Watcher(TransportOptions opts, WatchCreateRequest req) : t_(std::move(opts)), req_(std::move(req)) {
    efd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
    pending_.next_revision = req_.start_revision;
    thread_ = std::thread([this] { run(); });
}

Watcher::~Watcher() {
    stop_ = true;
    t_.wake();
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    ::close(efd_);
}

Watcher::Taken Watcher::take() {
    uint64_t n = 0;
    (void)!::read(efd_, &n, sizeof n);
    std::lock_guard<std::mutex> lock(mu_);
    Taken out = std::move(pending_);
    pending_ = Taken{};
    pending_.connected = out.connected;
    pending_.ended = out.ended;
    pending_.next_revision = out.next_revision;
    return out;
}

void Watcher::notify() {
    uint64_t one = 1;
    (void)!::write(efd_, &one, sizeof one);
}

bool Watcher::on_message(const Json& j) {
    if (auto e = error_in(j)) {
        e->message = "watch at " + t_.endpoint() + ": " + e->message;
        std::lock_guard<std::mutex> lock(mu_);
        pending_.error = *e;
        pending_.connected = false;
        notify();
        return false;
    }
    auto w = decode_watch(j);
    const auto now = std::chrono::system_clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    if (!w) {
        pending_.error = w.error();
        pending_.connected = false;
        notify();
        return false;
    }
    if (w->created) {
        pending_.connected = true;
        // Watching "from now": a reopened stream must start right after
        // what this one would have seen first.
        if (pending_.next_revision == 0) pending_.next_revision = w->header.revision + 1;
        notify();
    }
    if (w->canceled) {
        pending_.ended = true;
        pending_.connected = false;
        pending_.responses.push_back({std::move(*w), now});
        notify();
        return false;
    }
    if (!w->events.empty()) {
        pending_.next_revision = std::max(pending_.next_revision, w->events.back().kv.mod_revision + 1);
        pending_.responses.push_back({std::move(*w), now});
        notify();
    }
    return true;
}

void Watcher::run() {
    auto backoff = std::chrono::milliseconds(100);
    const std::function<bool(const Json&)> handler = [this](const Json& j) { return on_message(j); };
    while (!stop_) {
        WatchCreateRequest req = req_;
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (pending_.ended) return;
            req.start_revision = pending_.next_revision;
        }
        auto st = t_.stream("/v3/watch", encode(req), handler, stop_);
        if (stop_) return;
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (pending_.ended) return;
            // A stream that was open: the member was fine, try again soon.
            if (pending_.connected) backoff = std::chrono::milliseconds(100);
            if (!st) pending_.error = st.error();
            pending_.connected = false;
            notify();
        }
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, backoff, [this] { return stop_.load(); });
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
}

}  // namespace xmip::etcd
