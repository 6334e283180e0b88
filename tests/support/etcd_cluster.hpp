// SPDX-License-Identifier: BSD-2-Clause
// A real etcd for tests: one or three members on 127.0.0.1 (or another
// address of the calling thread's network namespace), on free ports,
// in a temporary directory, with short raft timers so elections take well
// under a second. Members die with the test process (PR_SET_PDEATHSIG, so
// also when it crashes) and the destructor kills them and removes the
// directory, whatever the test's outcome.
//
// No etcd binary: REQUIRE_ETCD() skips the test saying so, but fails it
// under CI (CI=true), which installs etcd-server (scripts/install-deps.sh).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace xmip::test {

class EtcdCluster {
public:
    // The etcd binary on PATH (or $XMIP_ETCD), "" when there is none.
    static std::string binary();

    // host: the address every member listens on (an IPv6 one without
    // brackets); the members are started in the network namespace of the
    // thread that calls start().
    explicit EtcdCluster(int members = 1, const std::string& host = "127.0.0.1");
    ~EtcdCluster();
    EtcdCluster(const EtcdCluster&) = delete;
    EtcdCluster& operator=(const EtcdCluster&) = delete;

    // Starts every member and waits (bounded) until the cluster has a
    // leader; false with *why (and the logs' tails) otherwise.
    bool start(std::string* why);

    std::vector<std::string> endpoints() const;  // client URLs, member order
    const std::string& endpoint(int i) const { return members_[i].client_url; }
    int size() const { return static_cast<int>(members_.size()); }
    const std::string& dir() const { return dir_; }

    void kill(int i);                       // SIGKILL, reaped
    bool restart(int i, std::string* why);  // the same member again, its data kept
    bool alive(int i) const { return members_[i].pid > 0; }
    // Waits until member i reports a leader (bounded by timeout).
    bool wait_leader(int i, std::chrono::milliseconds timeout);

private:
    struct Member {
        std::string name, client_url, peer_url, data_dir, log;
        pid_t pid = -1;
    };
    bool spawn(Member& m, std::string* why);
    std::string tail_of_logs() const;

    std::string dir_, initial_cluster_;
    std::vector<Member> members_;
};

bool running_in_ci_env();

}  // namespace xmip::test

#define REQUIRE_ETCD()                                                                                   \
    do {                                                                                                 \
        if (::xmip::test::EtcdCluster::binary().empty()) {                                               \
            if (::xmip::test::running_in_ci_env()) FAIL() << "no etcd binary (CI installs etcd-server)"; \
            GTEST_SKIP() << "no etcd binary on PATH: apt-get install etcd-server";                       \
        }                                                                                                \
    } while (0)
