// SPDX-License-Identifier: BSD-2-Clause
// HTTP to etcd's JSON gateway (POST http(s)://<endpoint>/v3/...), with
// libcurl (docs/scale-out.md says why not gRPC). A list of endpoints, the
// members of one cluster: a request goes to the current one, and when that
// one cannot be reached it goes to the next, so one dead member costs one
// connect timeout, not an outage.
//
// Not thread-safe: one Transport per thread (the watcher has its own).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "etcd/codec.hpp"
#include "etcd/error.hpp"

namespace xmip::etcd {

struct TransportOptions {
    // "http://127.0.0.1:2379", "https://etcd1:2379" (no path).
    std::vector<std::string> endpoints;
    // TLS (https endpoints): the CA that signed the members' certificates;
    // a client certificate and key when the cluster asks for one. Empty:
    // the system's CAs, no client certificate.
    std::string ca_file, cert_file, key_file;
    // Connecting to one member; past it, the next member is tried.
    std::chrono::milliseconds dial_timeout{2000};
    // A whole unary request (etcd itself gives up on a proposal without
    // quorum after about 5 s plus the election timeout: less than that
    // here makes a cluster without quorum fail fast).
    std::chrono::milliseconds request_timeout{5000};
};

class Transport {
public:
    explicit Transport(TransportOptions opts);
    ~Transport();
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // One request, one JSON answer (path: "/v3/kv/range"). A member that
    // cannot be connected to is passed over for the next, each at most
    // once. A request that was sent and got no answer is not sent again
    // (it may have been applied: the caller decides), but the next request
    // starts at the next member. Errors name the endpoint(s).
    Result<Json> call(std::string_view path, const Json& body);

    // A streaming request (watch): on_message gets every JSON message of
    // the answer in order and returns false to end it. Returns when the
    // stream ends, on_message says stop, stop becomes true (checked at
    // least every poll interval, and at once after wake()), or an error.
    Status stream(std::string_view path, const Json& body, const std::function<bool(const Json&)>& on_message,
                  const std::atomic<bool>& stop);
    // Wakes a stream() blocked in another thread (to see stop); thread-safe.
    void wake();

    const std::string& endpoint() const;  // the current one
    const TransportOptions& options() const { return opts_; }

private:
    struct Curl;
    TransportOptions opts_;
    size_t current_ = 0;
    std::unique_ptr<Curl> curl_;
};

// "a, b, c": the endpoints for a message.
std::string join_endpoints(const std::vector<std::string>& endpoints);

}  // namespace xmip::etcd
