// SPDX-License-Identifier: BSD-2-Clause
// The control protocol: versioning, errors, and a real socket round trip.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <thread>

#include "control/client.hpp"
#include "core/event_loop.hpp"
#include "control/server.hpp"

using namespace xmip;
using nlohmann::json;

namespace {

std::string temp_socket() {
    char dir[] = "/tmp/xmip-ctl-XXXXXX";
    return std::string(mkdtemp(dir)) + "/agent.sock";
}

class ControlTest : public ::testing::Test {
protected:
    core::SystemTime time;
    core::EventLoop loop{time};
    std::string path = temp_socket();
    void TearDown() override { rmdir(std::filesystem::path(path).parent_path().c_str()); }
};

TEST_F(ControlTest, DispatchesToHandlers) {
    control::Server s(loop, path);
    s.handle("echo", [](const json& a) { return a; });
    auto r = s.dispatch(R"({"api":1,"cmd":"echo","args":{"x":5}})");
    EXPECT_TRUE(r["ok"].get<bool>());
    EXPECT_EQ(r["result"]["x"], 5);
    EXPECT_EQ(r["api"], control::kApiVersion);
}

TEST_F(ControlTest, ErrorsAreCodedNotThrown) {
    control::Server s(loop, path);
    s.handle("fail", [](const json&) -> json {
        throw control::CommandError{control::kErrNotFound, "no binding for 2001:db8::1"};
    });
    s.handle("boom", [](const json&) -> json { throw std::runtime_error("oops"); });
    struct { const char* line; const char* code; } cases[] = {
        {"not json", control::kErrBadRequest},
        {R"([1,2])", control::kErrBadRequest},
        {R"({"api":1})", control::kErrBadRequest},
        {R"({"api":2,"cmd":"fail"})", control::kErrApiVersion},
        {R"({"cmd":"fail"})", control::kErrApiVersion},
        {R"({"api":1,"cmd":"nope"})", control::kErrUnknownCommand},
        {R"({"api":1,"cmd":"fail","args":[]})", control::kErrBadRequest},
        {R"({"api":1,"cmd":"fail"})", control::kErrNotFound},
        {R"({"api":1,"cmd":"boom"})", control::kErrInternal},
    };
    for (const auto& c : cases) {
        auto r = s.dispatch(c.line);
        EXPECT_FALSE(r["ok"].get<bool>()) << c.line;
        EXPECT_EQ(r["error"]["code"], c.code) << c.line;
        EXPECT_FALSE(r["error"]["message"].get<std::string>().empty());
    }
}

TEST_F(ControlTest, RoundTripOverTheSocket) {
    control::Server s(loop, path);
    s.handle("status", [](const json&) { return json{{"role", "ha"}}; });
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0660u);
    json result;
    std::thread client([&] { result = control::call(path, "status"); });
    auto start = time.now();
    while (result.is_null() && time.now() - start < std::chrono::seconds(3))
        loop.run_once(std::chrono::milliseconds(20));
    client.join();
    EXPECT_EQ(result["role"], "ha");
}

TEST_F(ControlTest, RemoteErrorsReachTheClient) {
    control::Server s(loop, path);
    s.handle("fail", [](const json&) -> json {
        throw control::CommandError{control::kErrWrongRole, "bcache is a home agent command"};
    });
    std::optional<control::ClientError> err;
    std::thread client([&] {
        try {
            control::call(path, "fail");
        } catch (const control::ClientError& e) {
            err = e;
        }
    });
    auto start = time.now();
    while (!err && time.now() - start < std::chrono::seconds(3)) loop.run_once(std::chrono::milliseconds(20));
    client.join();
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->kind, control::ClientError::Kind::Remote);
    EXPECT_EQ(err->code, control::kErrWrongRole);
}

TEST_F(ControlTest, NoAgentIsAClearError) {
    try {
        control::call(path, "status", json::object(), 500);
        FAIL();
    } catch (const control::ClientError& e) {
        EXPECT_EQ(e.kind, control::ClientError::Kind::NoAgent);
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
    }
}

TEST_F(ControlTest, SecondServerOnTheSamePathRefusesAndStaleSocketIsReplaced) {
    {
        control::Server first(loop, path);
        EXPECT_THROW(control::Server second(loop, path), std::runtime_error);
    }
    // A socket file left by a crashed agent: nobody listens, take it over.
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, path.c_str());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
    close(fd);
    EXPECT_NO_THROW(control::Server again(loop, path));
}

}  // namespace

namespace {

TEST_F(ControlTest, ReplyInAnotherApiIsRefusedNotMisread) {
    // A raw server answering success in API 2: the client must not read it.
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, path.c_str());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
    ASSERT_EQ(listen(fd, 1), 0);
    std::thread server([fd] {
        int c = accept(fd, nullptr, nullptr);
        char buf[512];
        (void)read(c, buf, sizeof(buf));
        const char reply[] = "{\"api\":2,\"ok\":true,\"result\":{\"role\":\"ha\"}}\n";
        (void)write(c, reply, sizeof(reply) - 1);
        close(c);
    });
    try {
        control::call(path, "status");
        ADD_FAILURE() << "accepted a reply in API 2";
    } catch (const control::ClientError& e) {
        EXPECT_EQ(e.kind, control::ClientError::Kind::Remote);
        EXPECT_EQ(e.code, control::kErrApiVersion);
    }
    server.join();
    close(fd);
    unlink(path.c_str());
}

}  // namespace
