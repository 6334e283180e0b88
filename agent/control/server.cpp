// SPDX-License-Identifier: BSD-2-Clause
#include "control/server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/log.hpp"

namespace xmip::control {

namespace {

sockaddr_un address_of(const std::string& path) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.size() >= sizeof(sa.sun_path))
        throw std::runtime_error("control socket path too long: " + path);
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    return sa;
}

bool someone_listens(const std::string& path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    auto sa = address_of(path);
    bool live = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0;
    close(fd);
    return live;
}

// A client gets a short time to send its line: one slow client must not
// stall the agent's loop (a production agent also serves signalling).
constexpr int kReadTimeoutMs = 200;

std::string read_line(int fd) {
    std::string line;
    char buf[4096];
    while (line.size() < kMaxRequestBytes) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, kReadTimeoutMs) <= 0) break;
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0) break;
        line.append(buf, static_cast<size_t>(n));
        if (line.find('\n') != std::string::npos) break;
    }
    if (auto nl = line.find('\n'); nl != std::string::npos) line.resize(nl);
    return line;
}

void write_all(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return;  // the client went away: nothing more to do
        off += static_cast<size_t>(n);
    }
}

}  // namespace

Server::Server(core::EventLoop& loop, std::string path) : loop_(loop), path_(std::move(path)) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
    if (someone_listens(path_))
        throw std::runtime_error("another agent already serves " + path_ +
                                 " (two instances with the same name?)");
    unlink(path_.c_str());
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("control socket: ") + std::strerror(errno));
    auto sa = address_of(path_);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(fd_, 16) != 0) {
        int e = errno;
        close(fd_);
        throw std::runtime_error("cannot listen on " + path_ + ": " + std::strerror(e));
    }
    chmod(path_.c_str(), 0660);  // root and the socket's group (operators)
    loop_.add_fd(fd_, [this] { accept_one(); });
}

Server::~Server() {
    loop_.remove_fd(fd_);
    close(fd_);
    unlink(path_.c_str());
}

nlohmann::json Server::dispatch(const std::string& line) const {
    nlohmann::json req;
    try {
        req = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
        return make_error(kErrBadRequest, "request is not valid JSON");
    }
    if (!req.is_object() || !req.contains("cmd") || !req["cmd"].is_string())
        return make_error(kErrBadRequest, "request needs a string \"cmd\"");
    if (!req.contains("api") || !req["api"].is_number_integer() || req["api"] != kApiVersion)
        return make_error(kErrApiVersion, "this agent speaks control API " +
                                              std::to_string(kApiVersion) + "; request has " +
                                              (req.contains("api") ? req["api"].dump() : "none"));
    const std::string cmd = req["cmd"];
    auto it = handlers_.find(cmd);
    if (it == handlers_.end()) return make_error(kErrUnknownCommand, "unknown command '" + cmd + "'");
    const nlohmann::json args = req.value("args", nlohmann::json::object());
    if (!args.is_object()) return make_error(kErrBadRequest, "\"args\" must be an object");
    try {
        return make_result(it->second(args));
    } catch (const CommandError& e) {
        return make_error(e.code, e.message);
    } catch (const std::exception& e) {
        core::logf(core::LogLevel::Error, "control: %s failed: %s", cmd.c_str(), e.what());
        return make_error(kErrInternal, e.what());
    }
}

void Server::accept_one() {
    int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    std::string line = read_line(c);
    write_all(c, dispatch(line).dump() + "\n");
    close(c);
}

}  // namespace xmip::control
