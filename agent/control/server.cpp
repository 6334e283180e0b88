// SPDX-License-Identifier: BSD-2-Clause
#include "control/server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
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

// Per wakeup, at most this much of one reply goes out: a fast reader of a
// huge reply shares the loop with signalling instead of holding it.
constexpr size_t kWriteSliceBytes = 1u << 20;
// Connections taken per wakeup of the listening socket.
constexpr int kAcceptsPerWakeup = 16;

}  // namespace

struct Server::Client {
    int fd;
    std::string request;
    std::string reply;  // set once the request is complete
    size_t sent = 0;
    bool answered = false;
    core::Timers::Id deadline = 0;
};

Server::Server(core::EventLoop& loop, std::string path, ServerLimits limits)
    : loop_(loop), path_(std::move(path)), limits_(limits) {
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
    loop_.add_fd(fd_, [this] { accept_ready(); });
}

Server::~Server() {
    while (!clients_.empty()) close_client(clients_.begin()->first, nullptr);
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

void Server::accept_ready() {
    for (int i = 0; i < kAcceptsPerWakeup; i++) {
        int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (c < 0) return;  // EAGAIN: all taken; anything else: the next wakeup retries
        if (clients_.size() >= limits_.max_clients) {
            core::logf(core::LogLevel::Warn, "control: %zu clients already connected; refusing one more",
                       clients_.size());
            close(c);
            continue;
        }
        auto client = std::make_unique<Client>();
        client->fd = c;
        client->deadline = loop_.timers().schedule(loop_.now() + limits_.deadline, [this, c] {
            clients_.at(c)->deadline = 0;  // this timer is running: nothing to cancel
            close_client(c, "no complete exchange within the deadline");
        });
        clients_.emplace(c, std::move(client));
        loop_.add_fd(c, [this, c] { on_client_event(c); });
    }
}

void Server::on_client_event(int fd) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;  // closed earlier in this wakeup
    Client& c = *it->second;
    if (!c.answered) {
        read_request(c);
    } else if (write_reply(c)) {
        close_client(fd, nullptr);
    }
}

void Server::read_request(Client& c) {
    char buf[4096];
    for (;;) {
        ssize_t n = read(c.fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;  // the rest comes later
            if (errno == EINTR) continue;
            close_client(c.fd, "read failed");
            return;
        }
        if (n == 0) break;  // the client closed its side: answer what it sent
        c.request.append(buf, static_cast<size_t>(n));
        if (c.request.find('\n') != std::string::npos || c.request.size() >= kMaxRequestBytes) break;
    }
    answer(c);
}

void Server::answer(Client& c) {
    nlohmann::json reply;
    if (auto nl = c.request.find('\n'); nl != std::string::npos) {
        c.request.resize(nl);
        reply = dispatch(c.request);
    } else if (c.request.size() >= kMaxRequestBytes) {
        reply = make_error(kErrBadRequest,
                           "request longer than " + std::to_string(kMaxRequestBytes) + " bytes");
    } else {
        reply = dispatch(c.request);  // no newline before end of file: what there is
    }
    c.request.clear();
    c.request.shrink_to_fit();
    c.reply = reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (c.reply.size() > limits_.max_reply_bytes) {
        core::logf(core::LogLevel::Warn, "control: a reply of %zu bytes exceeds the limit of %zu",
                   c.reply.size(), limits_.max_reply_bytes);
        c.reply = make_error(kErrInternal, "the reply is " + std::to_string(c.reply.size()) +
                                               " bytes, over the control socket's limit of " +
                                               std::to_string(limits_.max_reply_bytes))
                      .dump() +
                  "\n";
    }
    c.answered = true;
    if (write_reply(c))
        close_client(c.fd, nullptr);
    else
        loop_.watch_fd(c.fd, core::EventLoop::Interest::Writable);
}

bool Server::write_reply(Client& c) {
    size_t slice = 0;
    while (c.sent < c.reply.size() && slice < kWriteSliceBytes) {
        size_t len = std::min(c.reply.size() - c.sent, kWriteSliceBytes - slice);
        ssize_t n = send(c.fd, c.reply.data() + c.sent, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return false;  // wait until it drains
            if (errno == EINTR) continue;
            return true;  // the client went away: nothing more to do
        }
        c.sent += static_cast<size_t>(n);
        slice += static_cast<size_t>(n);
    }
    return c.sent >= c.reply.size();
}

void Server::close_client(int fd, const char* why) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    if (why)
        core::logf(core::LogLevel::Debug, "control: closing a client: %s (%zu of %zu reply bytes sent)", why,
                   it->second->sent, it->second->reply.size());
    if (it->second->deadline) loop_.timers().cancel(it->second->deadline);
    loop_.remove_fd(fd);
    close(fd);
    clients_.erase(it);
}

}  // namespace xmip::control
