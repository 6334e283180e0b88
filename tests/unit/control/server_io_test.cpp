// SPDX-License-Identifier: BSD-2-Clause
// The control server never holds the agent's loop: clients that never send,
// never read, or read a huge reply slowly are served between the loop's other
// work, each within one deadline and one bounded reply buffer.
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <thread>

#include "control/client.hpp"
#include "control/server.hpp"
#include "core/event_loop.hpp"

using namespace xmip;
using namespace std::chrono_literals;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string temp_socket() {
    char dir[] = "/tmp/xmip-ctl-XXXXXX";
    return std::string(mkdtemp(dir)) + "/agent.sock";
}

// A raw client: connects, optionally sends, reads only when told to.
int connect_raw(const std::string& path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, path.c_str());
    if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void send_line(int fd, const std::string& line) {
    ASSERT_EQ(send(fd, line.data(), line.size(), MSG_NOSIGNAL), static_cast<ssize_t>(line.size()));
}

// Reads until end of file (or 3 s): how many bytes arrived, and whether the
// server closed the connection.
std::pair<size_t, bool> drain(int fd) {
    size_t total = 0;
    char buf[65536];
    timeval tv{3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n == 0) return {total, true};
        if (n < 0) return {total, false};
        total += static_cast<size_t>(n);
    }
}

class ServerIoTest : public ::testing::Test {
protected:
    core::SystemTime time;
    core::EventLoop loop{time};
    std::string path = temp_socket();
    void TearDown() override { rmdir(std::filesystem::path(path).parent_path().c_str()); }

    // Runs the loop until done() or the limit; returns whether done() held.
    template <typename F>
    bool run_until(F done, std::chrono::milliseconds limit = 12000ms) {
        auto end = Clock::now() + limit;
        while (!done() && Clock::now() < end) loop.run_once(10ms);
        return done();
    }
};

const std::string kBigRequest = R"({"api":1,"cmd":"big"})" "\n";

// The scenario of the issue: `mipctl bcache` of a huge binding cache into a
// pager that is stopped. The client sends its request and never reads;
// meanwhile the loop keeps serving its other descriptors and timers (the
// signalling ring, retransmissions) and other control clients.
TEST_F(ServerIoTest, ClientThatNeverReadsDoesNotHoldTheLoop) {
    control::ServerLimits limits;
    limits.deadline = 5s;  // longer than the test: only non-blocking I/O can save it
    control::Server s(loop, path, limits);
    const std::string huge(2u << 20, 'x');  // far beyond a socket's buffer (about 200 KiB)
    bool built = false;
    s.handle("big", [&](const json&) {
        built = true;
        return json(huge);
    });
    s.handle("status", [](const json&) { return json{{"role", "ha"}}; });

    int stuck = connect_raw(path);
    ASSERT_GE(stuck, 0);
    send_line(stuck, kBigRequest);
    // Should the server block on the stuck client, this releases it after
    // 10 s so the test fails on its measurements instead of hanging. The
    // bounds below are far under that and far over a loaded machine's
    // scheduling delays (the suite runs in parallel on two cores, beside
    // compilers): they separate "blocked until released" from "slow".
    std::atomic<bool> finished{false};
    std::thread watchdog([&] {
        for (int i = 0; i < 1000 && !finished; i++) std::this_thread::sleep_for(10ms);
        if (!finished) shutdown(stuck, SHUT_RDWR);
    });
    // Building the reply is the handler's time (serialising a binding cache
    // is O(n) wherever it runs); what is measured below is what follows it:
    // the reply waiting for a reader that never comes.
    const auto asked = Clock::now();
    run_until([&] { return built; });
    EXPECT_TRUE(built);
    EXPECT_LT(Clock::now() - asked, 5s) << "the request was not served until the client was dropped";

    // "Signalling": an eventfd poked every few ms, and a periodic timer.
    int ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ASSERT_GE(ev, 0);
    int events_seen = 0, ticks = 0;
    loop.add_fd(ev, [&] {
        uint64_t v;
        if (read(ev, &v, sizeof v) == sizeof v) events_seen += static_cast<int>(v);
    });
    std::function<void()> tick = [&] {
        ticks++;
        loop.timers().schedule(loop.now() + 5ms, tick);
    };
    loop.timers().schedule(loop.now() + 5ms, tick);

    json other;
    std::atomic<bool> other_done{false};
    std::thread second([&] {
        try {
            other = control::call(path, "status", json::object(), 2000);
        } catch (const control::ClientError&) {
        }
        other_done = true;
    });
    auto worst = Clock::duration::zero();
    int poked = 0;
    const auto start = Clock::now();
    while (Clock::now() - start < 400ms) {
        uint64_t one = 1;
        ASSERT_EQ(write(ev, &one, sizeof one), static_cast<ssize_t>(sizeof one));
        poked++;
        auto t0 = Clock::now();
        loop.run_once(5ms);
        worst = std::max(worst, Clock::now() - t0);
    }
    finished = true;
    watchdog.join();
    run_until([&] { return other_done.load(); });
    second.join();

    EXPECT_LT(worst, 1000ms) << "one wakeup took "
                             << std::chrono::duration_cast<std::chrono::milliseconds>(worst).count() << " ms";
    EXPECT_EQ(events_seen, poked) << "descriptor events were not served while the client sat";
    EXPECT_GE(ticks, 5) << "timers did not run while the client sat";  // 80 at most; a blocked loop: 0 or 1
    EXPECT_EQ(other["role"], "ha") << "another client was not answered meanwhile";
    EXPECT_EQ(s.open_clients(), 1u) << "the stuck client should still wait for its deadline";
    // Once the client reads, it gets the whole reply.
    std::thread reader([&] {
        auto [bytes, eof] = drain(stuck);
        EXPECT_TRUE(eof);
        EXPECT_EQ(bytes, json(control::make_result(json(huge))).dump().size() + 1);
    });
    run_until([&] { return s.open_clients() == 0; });
    reader.join();
    close(stuck);
    loop.remove_fd(ev);
    close(ev);
}

TEST_F(ServerIoTest, DeadlineClosesAnIdleClient) {
    control::ServerLimits limits;
    limits.deadline = 200ms;
    control::Server s(loop, path, limits);
    s.handle("status", [](const json&) { return json::object(); });
    int silent = connect_raw(path);       // sends nothing
    int partial = connect_raw(path);      // half a request, never the newline
    ASSERT_GE(silent, 0);
    ASSERT_GE(partial, 0);
    send_line(partial, R"({"api":1,"cmd":)");
    const auto t0 = Clock::now();
    ASSERT_TRUE(run_until([&] { return s.open_clients() == 2; }, 1000ms));
    ASSERT_TRUE(run_until([&] { return s.open_clients() == 0; }, 2000ms)) << "idle clients never closed";
    const auto took = Clock::now() - t0;
    EXPECT_GE(took, 180ms) << "closed before its deadline";
    EXPECT_LT(took, 1000ms);
    for (int fd : {silent, partial}) {
        auto [bytes, eof] = drain(fd);
        EXPECT_TRUE(eof) << "the server did not close the connection";
        EXPECT_EQ(bytes, 0u) << "an incomplete request got an answer";
        close(fd);
    }
}

TEST_F(ServerIoTest, DeadlineClosesASlowReader) {
    control::ServerLimits limits;
    limits.deadline = 300ms;
    control::Server s(loop, path, limits);
    const std::string huge(16u << 20, 'y');
    s.handle("big", [&](const json&) { return json(huge); });
    int slow = connect_raw(path);
    ASSERT_GE(slow, 0);
    send_line(slow, kBigRequest);
    ASSERT_TRUE(run_until([&] { return s.open_clients() == 1; }, 1000ms));
    ASSERT_TRUE(run_until([&] { return s.open_clients() == 0; }, 2000ms)) << "the slow reader was never closed";
    auto [bytes, eof] = drain(slow);
    EXPECT_TRUE(eof);
    EXPECT_GT(bytes, 0u);
    EXPECT_LT(bytes, huge.size()) << "a reader past its deadline got the whole reply";
    close(slow);
}

TEST_F(ServerIoTest, ReplyBeyondTheBoundIsAnErrorNotATruncation) {
    control::ServerLimits limits;
    limits.max_reply_bytes = 4096;
    control::Server s(loop, path, limits);
    s.handle("big", [](const json&) { return json(std::string(8192, 'z')); });
    s.handle("small", [](const json&) { return json(std::string(1000, 'z')); });
    std::optional<control::ClientError> err;
    json small;
    std::atomic<bool> done{false};
    std::thread client([&] {
        try {
            small = control::call(path, "small");
            control::call(path, "big");
        } catch (const control::ClientError& e) {
            err = e;
        }
        done = true;
    });
    run_until([&] { return done.load(); });
    client.join();
    EXPECT_EQ(small.get<std::string>().size(), 1000u);
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->kind, control::ClientError::Kind::Remote);
    EXPECT_EQ(err->code, control::kErrInternal);
    EXPECT_NE(std::string(err->what()).find("limit of 4096"), std::string::npos) << err->what();
}

TEST_F(ServerIoTest, ClientsBeyondTheLimitAreClosedAtOnce) {
    control::ServerLimits limits;
    limits.max_clients = 2;
    limits.deadline = 2s;
    control::Server s(loop, path, limits);
    int a = connect_raw(path), b = connect_raw(path);
    ASSERT_TRUE(run_until([&] { return s.open_clients() == 2; }, 1000ms));
    int c = connect_raw(path);
    ASSERT_GE(c, 0);
    for (int i = 0; i < 10; i++) loop.run_once(10ms);
    EXPECT_EQ(s.open_clients(), 2u);
    auto [bytes, eof] = drain(c);
    EXPECT_TRUE(eof) << "the connection over the limit was kept";
    EXPECT_EQ(bytes, 0u);
    for (int fd : {a, b, c}) close(fd);
}

TEST_F(ServerIoTest, OverlongRequestIsABadRequest) {
    control::Server s(loop, path);
    int fd = connect_raw(path);
    ASSERT_GE(fd, 0);
    std::string junk(control::kMaxRequestBytes + 10, 'a');
    std::thread writer([&] { (void)!send(fd, junk.data(), junk.size(), MSG_NOSIGNAL); });
    std::string reply;
    std::atomic<bool> done{false};
    std::thread reader([&] {
        char buf[4096];
        timeval tv{3, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) reply.append(buf, static_cast<size_t>(n));
        done = true;
    });
    run_until([&] { return done.load(); });
    writer.join();
    reader.join();
    close(fd);
    auto j = json::parse(reply);
    EXPECT_FALSE(j["ok"].get<bool>());
    EXPECT_EQ(j["error"]["code"], control::kErrBadRequest);
}

}  // namespace
