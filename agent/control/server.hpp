// SPDX-License-Identifier: BSD-2-Clause
// The control socket's server side, on the agent's event loop. Handlers are
// plain functions of the request's args; they run on the loop thread, so
// they read agent state without locks.
//
// The loop also carries signalling, so no client may hold it: every client
// socket is non-blocking, its request is read and its reply written only as
// far as the socket allows without waiting (the rest on the next readable /
// writable wakeup), each client has one deadline for the whole exchange, the
// reply buffered per client is bounded, and so is the number of clients.
// A client that connects and never sends, or sends and never reads, costs
// one descriptor and its buffer until its deadline, never loop time.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/event_loop.hpp"
#include "control/protocol.hpp"

namespace xmip::control {

struct ServerLimits {
    // From accept to the last byte of the reply: a client slower than this
    // (an idle connection, a reader stopped in a pager) is closed.
    std::chrono::milliseconds deadline{10000};
    // The largest reply kept for one client; a larger one is answered with
    // an "internal" error naming both sizes (never a truncated reply).
    size_t max_reply_bytes = 256u << 20;
    // Connections served at once; beyond it a new one is closed at accept.
    size_t max_clients = 16;
};

class Server {
public:
    using Handler = std::function<nlohmann::json(const nlohmann::json& args)>;

    // Binds path (creating its directory). Refuses to start when another
    // live server answers there; removes a stale socket file otherwise.
    Server(core::EventLoop& loop, std::string path, ServerLimits limits = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void handle(const std::string& cmd, Handler h) { handlers_[cmd] = std::move(h); }
    bool handles(const std::string& cmd) const { return handlers_.count(cmd) != 0; }
    const std::string& path() const { return path_; }

    // One request in, one reply out: the core of the protocol, without I/O.
    nlohmann::json dispatch(const std::string& line) const;

    // Connections accepted and not yet finished (tests, diagnostics).
    size_t open_clients() const { return clients_.size(); }

private:
    struct Client;
    void accept_ready();
    void on_client_event(int fd);
    void read_request(Client& c);
    void answer(Client& c);
    bool write_reply(Client& c);  // true when all of it is out
    void close_client(int fd, const char* why);

    core::EventLoop& loop_;
    std::string path_;
    ServerLimits limits_;
    int fd_ = -1;
    std::map<std::string, Handler> handlers_;
    std::map<int, std::unique_ptr<Client>> clients_;
};

}  // namespace xmip::control
