// SPDX-License-Identifier: BSD-2-Clause
#include "etcd_cluster.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "etcd/client.hpp"

namespace xmip::test {
namespace {

// A port the kernel just gave out and took back: free now, and the
// kernel does not hand the same one out again soon.
int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        if (fd >= 0) ::close(fd);
        return 0;
    }
    int port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

}  // namespace

bool running_in_ci_env() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

std::string EtcdCluster::binary() {
    if (const char* e = std::getenv("XMIP_ETCD"); e != nullptr && *e != '\0') return e;
    for (const char* d : {"/usr/bin/etcd", "/usr/local/bin/etcd"}) {
        if (::access(d, X_OK) == 0) return d;
    }
    return {};
}

EtcdCluster::EtcdCluster(int members, const std::string& host) {
    char tmpl[] = "/tmp/xmip-etcd-XXXXXX";
    if (char* d = ::mkdtemp(tmpl)) dir_ = d;
    const std::string base = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":";
    for (int i = 0; i < members; i++) {
        Member m;
        m.name = "m" + std::to_string(i);
        m.client_url = base + std::to_string(free_port());
        m.peer_url = base + std::to_string(free_port());
        m.data_dir = dir_ + "/" + m.name;
        m.log = dir_ + "/" + m.name + ".log";
        initial_cluster_ += (i ? "," : "") + m.name + "=" + m.peer_url;
        members_.push_back(std::move(m));
    }
}

EtcdCluster::~EtcdCluster() {
    for (int i = 0; i < size(); i++) kill(i);
    if (!dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
}

std::vector<std::string> EtcdCluster::endpoints() const {
    std::vector<std::string> out;
    for (const auto& m : members_) out.push_back(m.client_url);
    return out;
}

bool EtcdCluster::spawn(Member& m, std::string* why) {
    const std::string bin = binary();
    const std::string token = "xmip-test-" + std::to_string(::getpid()) + "-" + dir_.substr(dir_.size() - 6);
    std::vector<std::string> args = {bin, "--name=" + m.name, "--data-dir=" + m.data_dir,
                                     "--listen-client-urls=" + m.client_url, "--advertise-client-urls=" + m.client_url,
                                     "--listen-peer-urls=" + m.peer_url, "--initial-advertise-peer-urls=" + m.peer_url,
                                     "--initial-cluster=" + initial_cluster_, "--initial-cluster-state=new",
                                     "--initial-cluster-token=" + token,
                                     // Fast failure detection: a test waits for elections.
                                     "--heartbeat-interval=50", "--election-timeout=500"};
    // argv before fork: the child of a threaded process must not allocate.
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        *why = "fork failed";
        return false;
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(1);  // the test died before prctl
        int fd = ::open(m.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        ::execv(bin.c_str(), argv.data());
        ::_exit(127);
    }
    m.pid = pid;
    return true;
}

std::string EtcdCluster::tail_of_logs() const {
    std::string out;
    for (const auto& m : members_) {
        std::ifstream f(m.log);
        std::stringstream ss;
        ss << f.rdbuf();
        std::string s = ss.str();
        if (s.size() > 1500) s = s.substr(s.size() - 1500);
        out += "\n--- " + m.log + " ---\n" + s;
    }
    return out;
}

bool EtcdCluster::start(std::string* why) {
    if (dir_.empty()) {
        *why = "mkdtemp failed";
        return false;
    }
    for (auto& m : members_) {
        if (!spawn(m, why)) return false;
    }
    for (int i = 0; i < size(); i++) {
        if (!wait_leader(i, std::chrono::seconds(15))) {
            *why = "etcd member " + members_[i].name + " at " + members_[i].client_url + " has no leader after 15 s" +
                   tail_of_logs();
            return false;
        }
    }
    return true;
}

bool EtcdCluster::wait_leader(int i, std::chrono::milliseconds timeout) {
    etcd::TransportOptions o;
    o.endpoints = {members_[i].client_url};
    o.dial_timeout = std::chrono::milliseconds(200);
    o.request_timeout = std::chrono::milliseconds(500);
    etcd::Client c(o);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto s = c.status();
        // A leader known, and a write path that works: a linearizable read.
        if (s && s->leader != 0 && c.range(etcd::RangeRequest::one("/health-probe"))) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

void EtcdCluster::kill(int i) {
    Member& m = members_[i];
    if (m.pid <= 0) return;
    ::kill(m.pid, SIGKILL);
    ::waitpid(m.pid, nullptr, 0);
    m.pid = -1;
}

bool EtcdCluster::restart(int i, std::string* why) {
    Member& m = members_[i];
    kill(i);
    return spawn(m, why);
}

}  // namespace xmip::test
