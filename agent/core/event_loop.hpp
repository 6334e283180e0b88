// SPDX-License-Identifier: BSD-2-Clause
// The agent's single thread: file descriptors (sockets, the signalling ring,
// netlink), timers and POSIX signals (through a signalfd) in one epoll loop.
// No locks anywhere in the agent: everything runs here.
#pragma once

#include <functional>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/timers.hpp"

namespace xmip::core {

class EventLoop {
public:
    explicit EventLoop(const TimeSource& time);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // What a descriptor's callback waits for (level-triggered; errors and
    // hang-ups wake it too).
    enum class Interest { Readable, Writable };
    // on_ready runs whenever fd is readable (or writable, as asked).
    void add_fd(int fd, std::function<void()> on_ready, Interest interest = Interest::Readable);
    // Switches what a registered descriptor waits for (a server that has
    // read its request and now waits to write its reply).
    void watch_fd(int fd, Interest interest);
    void remove_fd(int fd);
    // Blocks signo for the process and delivers it here instead. Call
    // before starting threads (none in xmipd) so no thread takes it.
    void on_signal(int signo, std::function<void()> handler);

    Timers& timers() { return timers_; }
    const TimeSource& time() const { return time_; }
    TimePoint now() const { return time_.now(); }

    void run();  // until stop()
    void stop() { stopping_ = true; }
    // Run around everything one wakeup dispatches (ready descriptors, then
    // due timers): what the handlers of one wakeup change can be committed
    // once, at the end (the home agent's state file: group commit).
    void set_dispatch_hooks(std::function<void()> before, std::function<void()> after);
    // One wait of at most max_wait, then everything that became ready.
    void run_once(Duration max_wait);

private:
    void handle_signals();
    static void guarded(const std::function<void()>& f);
    const TimeSource& time_;
    Timers timers_;
    int epfd_ = -1;
    int sigfd_ = -1;
    bool stopping_ = false;
    std::unordered_map<int, std::function<void()>> fds_;
    std::unordered_map<int, std::function<void()>> signals_;
    std::function<void()> before_dispatch_, after_dispatch_;
};

}  // namespace xmip::core
