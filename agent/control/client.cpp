// SPDX-License-Identifier: BSD-2-Clause
#include "control/client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "control/protocol.hpp"

namespace xmip::control {

using Kind = ClientError::Kind;

nlohmann::json call(const std::string& path, const std::string& cmd, const nlohmann::json& args,
                    int timeout_ms) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path.size() >= sizeof(sa.sun_path)) throw ClientError(Kind::Protocol, "socket path too long");
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw ClientError(Kind::Protocol, std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { close(fd); }
    } closer{fd};
    if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
        if (errno == EACCES || errno == EPERM)
            throw ClientError(Kind::Permission, "permission denied on " + path);
        throw ClientError(Kind::NoAgent, "no agent at " + path + " (" + std::strerror(errno) + ")");
    }
    std::string req = make_request(cmd, args).dump() + "\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
        throw ClientError(Kind::Protocol, "cannot send request");
    std::string reply;
    char buf[8192];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        int r = poll(&p, 1, timeout_ms);
        if (r == 0) throw ClientError(Kind::Timeout, "agent did not answer within " + std::to_string(timeout_ms) + " ms");
        if (r < 0) throw ClientError(Kind::Protocol, std::strerror(errno));
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0) break;
        reply.append(buf, static_cast<size_t>(n));
    }
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(reply);
    } catch (const nlohmann::json::exception&) {
        throw ClientError(Kind::Protocol, "agent answered something that is not JSON");
    }
    if (!j.is_object() || !j.contains("ok") || !j["ok"].is_boolean())
        throw ClientError(Kind::Protocol, "malformed reply");
    // A reply in another API version would be misread field by field.
    if (!j.contains("api") || j["api"] != kApiVersion) {
        auto e = j.value("error", nlohmann::json::object());
        throw ClientError(Kind::Remote,
                          "the agent speaks control API " + (j.contains("api") ? j["api"].dump() : std::string("?")) +
                              ", this client " + std::to_string(kApiVersion),
                          kErrApiVersion);
    }
    if (!j["ok"].get<bool>()) {
        auto e = j.value("error", nlohmann::json::object());
        throw ClientError(Kind::Remote, e.value("message", "error"), e.value("code", "unknown"));
    }
    return j.value("result", nlohmann::json());
}

}  // namespace xmip::control
