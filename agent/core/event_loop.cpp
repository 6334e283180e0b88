// SPDX-License-Identifier: BSD-2-Clause
#include "core/event_loop.hpp"

#include "core/log.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace xmip::core {

namespace {
[[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

EventLoop::EventLoop(const TimeSource& time) : time_(time) {
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epfd_ < 0) fail("epoll_create1");
}

EventLoop::~EventLoop() {
    if (sigfd_ >= 0) close(sigfd_);
    close(epfd_);
}

namespace {
epoll_event event_for(int fd, EventLoop::Interest interest) {
    epoll_event ev{};
    ev.events = interest == EventLoop::Interest::Writable ? EPOLLOUT : EPOLLIN;
    ev.data.fd = fd;
    return ev;
}
}  // namespace

void EventLoop::add_fd(int fd, std::function<void()> on_ready, Interest interest) {
    epoll_event ev = event_for(fd, interest);
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) fail("epoll_ctl(ADD)");
    fds_[fd] = std::move(on_ready);
}

void EventLoop::watch_fd(int fd, Interest interest) {
    epoll_event ev = event_for(fd, interest);
    if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) != 0) fail("epoll_ctl(MOD)");
}

void EventLoop::remove_fd(int fd) {
    epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
    fds_.erase(fd);
}

void EventLoop::on_signal(int signo, std::function<void()> handler) {
    signals_[signo] = std::move(handler);
    sigset_t set;
    sigemptyset(&set);
    for (const auto& [s, h] : signals_) sigaddset(&set, s);
    if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) fail("sigprocmask");
    const bool first = sigfd_ < 0;
    sigfd_ = signalfd(sigfd_, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigfd_ < 0) fail("signalfd");
    if (first) add_fd(sigfd_, [this] { handle_signals(); });
}

void EventLoop::handle_signals() {
    signalfd_siginfo si;
    while (read(sigfd_, &si, sizeof(si)) == sizeof(si)) {
        auto it = signals_.find(static_cast<int>(si.ssi_signo));
        if (it != signals_.end()) it->second();
    }
}

void EventLoop::run_once(Duration max_wait) {
    Duration wait = max_wait;
    if (auto next = timers_.next_deadline()) {
        auto until = *next - now();
        if (until < wait) wait = until;
    }
    if (wait < Duration::zero()) wait = Duration::zero();
    // Round up: waking a little late is fine, spinning before a deadline is not.
    int ms = static_cast<int>((std::chrono::duration_cast<std::chrono::microseconds>(wait).count() + 999) / 1000);
    epoll_event events[32];
    int n = epoll_wait(epfd_, events, 32, ms);
    if (n < 0 && errno != EINTR) fail("epoll_wait");
    if (before_dispatch_) guarded(before_dispatch_);
    for (int i = 0; i < n; i++) {
        auto it = fds_.find(events[i].data.fd);
        if (it != fds_.end()) {
            auto cb = it->second;  // a handler may remove its own fd
            guarded(cb);
        }
    }
    guarded([this] { timers_.run_due(now()); });
    if (after_dispatch_) guarded(after_dispatch_);
}

void EventLoop::set_dispatch_hooks(std::function<void()> before, std::function<void()> after) {
    before_dispatch_ = std::move(before);
    after_dispatch_ = std::move(after);
}

void EventLoop::guarded(const std::function<void()>& f) {
    // One failed event (a netlink request refused, a send that failed) is
    // logged and the agent goes on serving everything else.
    try {
        f();
    } catch (const std::exception& e) {
        XLOG_ERROR("event handler failed: %s", e.what());
    }
}

void EventLoop::run() {
    stopping_ = false;
    while (!stopping_) run_once(std::chrono::seconds(1));
}

}  // namespace xmip::core
