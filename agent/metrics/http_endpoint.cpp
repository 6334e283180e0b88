// SPDX-License-Identifier: BSD-2-Clause
// The metrics endpoint served by cpp-httplib (docs/metrics-http.md: why this
// library): prometheus-cpp keeps the registry and the text format, httplib
// listens, on IPv6 and IPv4 alike. One server per listen address; "::" is
// dual-stack (IPV6_V6ONLY off), so [::]:9707 answers IPv4 clients too.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "metrics/metrics.hpp"

namespace xmip::metrics {

namespace {

// The library's default sets SO_REUSEPORT, which would let a second agent
// bind the same port silently and take half the scrapes: SO_REUSEADDR only
// (a restart rebinds at once), and IPv6 sockets dual-stack.
void socket_options(int fd) {
    int yes = 1, no = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no);  // fails harmlessly on IPv4
}

}  // namespace

struct Endpoint::Server {
    httplib::Server http;
    std::thread thread;
    std::atomic<bool> done{false};
};

Endpoint::Endpoint(const std::string& host, uint16_t port, const AgentMetrics& metrics)
    : Endpoint(std::vector<ListenAddress>{{host, port}}, metrics) {}

Endpoint::Endpoint(const std::vector<ListenAddress>& addresses, const AgentMetrics& metrics) {
    for (const auto& a : addresses) {
        auto s = std::make_unique<Server>();
        // Scrapes are rare and cheap: one worker thread per address.
        s->http.new_task_queue = [] { return new httplib::ThreadPool(1); };
        s->http.set_socket_options(socket_options);
        s->http.set_keep_alive_max_count(4);
        s->http.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
            res.set_content(metrics.text(), "text/plain; version=0.0.4; charset=utf-8");
        });
        // "" = every address: the IPv6 wildcard, dual-stack.
        const std::string host = a.host.empty() ? "::" : a.host;
        const std::string shown = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                                  std::to_string(a.port);
        int bound = a.port == 0 ? s->http.bind_to_any_port(host) : (s->http.bind_to_port(host, a.port) ? a.port : -1);
        if (bound <= 0) {
            int err = errno ? errno : EADDRINUSE;
            stop_all(servers_);  // those of the list already listening
            errno = err;
            throw std::runtime_error("metrics: cannot listen on " + shown + ": " + std::strerror(errno));
        }
        ports_.push_back(static_cast<uint16_t>(bound));
        s->thread = std::thread([srv = s.get()] {
            srv->http.listen_after_bind();
            srv->done = true;
        });
        // Until it accepts: stop() before the loop runs would be lost (httplib
        // only stops a running server), and a scrape right after start fails.
        for (int i = 0; i < 2000 && !s->http.is_running() && !s->done; i++)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        servers_.push_back(std::move(s));
    }
}

Endpoint::~Endpoint() { stop_all(servers_); }

void Endpoint::stop_all(std::vector<std::unique_ptr<Server>>& servers) {
    for (auto& s : servers) {
        // stop() until the loop has ended: it is lost on a loop not yet running.
        while (!s->done) {
            s->http.stop();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        if (s->thread.joinable()) s->thread.join();
    }
    servers.clear();
}

}  // namespace xmip::metrics
