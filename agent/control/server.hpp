// SPDX-License-Identifier: BSD-2-Clause
// The control socket's server side, on the agent's event loop. Handlers are
// plain functions of the request's args; they run on the loop thread, so
// they read agent state without locks.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "core/event_loop.hpp"
#include "control/protocol.hpp"

namespace xmip::control {

class Server {
public:
    using Handler = std::function<nlohmann::json(const nlohmann::json& args)>;

    // Binds path (creating its directory). Refuses to start when another
    // live server answers there; removes a stale socket file otherwise.
    Server(core::EventLoop& loop, std::string path);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void handle(const std::string& cmd, Handler h) { handlers_[cmd] = std::move(h); }
    const std::string& path() const { return path_; }

    // One request in, one reply out: the core of the protocol, without I/O.
    nlohmann::json dispatch(const std::string& line) const;

private:
    void accept_one();
    core::EventLoop& loop_;
    std::string path_;
    int fd_ = -1;
    std::map<std::string, Handler> handlers_;
};

}  // namespace xmip::control
