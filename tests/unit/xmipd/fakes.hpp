// SPDX-License-Identifier: BSD-2-Clause
// Recording fakes of the world behind agent/xmipd/ports.hpp, and a World
// that wires them to a service on an event loop with a fake clock. Every
// fake appends what it was asked to do to one shared journal, so a test
// can assert the order of effects across them (the binding store, then the
// map, then the BA).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/event_loop.hpp"
#include "core/in6.hpp"
#include "mh/packet.hpp"
#include "nd/address.hpp"
#include "nd/router.hpp"
#include "telemetry/signalling_stats.hpp"
#include "xmipd/context.hpp"

namespace xmip::agent::test {

inline in6_addr addr(const char* s) {
    in6_addr a{};
    EXPECT_EQ(inet_pton(AF_INET6, s, &a), 1) << s;
    return a;
}
inline std::string str(const in6_addr& a) { return core::to_string(a); }

// A Router Advertisement of one /64 prefix (on-link, autonomous): what a
// mobile node's link shows it when it arrives.
inline std::vector<uint8_t> ra_for(const char* prefix) {
    nd::RouterAdvertisement ra;
    ra.cur_hop_limit = 64;
    ra.router_lifetime = 1800;
    nd::PrefixInformation pi;
    pi.prefix_length = 64;
    pi.on_link = pi.autonomous = true;
    pi.valid_lifetime = 3600;
    pi.preferred_lifetime = 1800;
    pi.prefix = addr(prefix);
    ra.options.emplace_back(std::in_place_type<nd::PrefixInformation>, pi);
    return nd::encode(ra);
}

// The mobile node of every MnService test: home address 2001:db8:1::10 of
// 2001:db8:1::/64, home agent 2001:db8:1::1, on eth0, lifetime 600 s.
inline config::Config mn_config(bool route_optimization = true) {
    config::Config c;
    c.role = config::Role::MobileNode;
    c.instance = "test";
    config::MobileNode m;
    m.home_address = *config::Ip6Address::parse("2001:db8:1::10");
    m.home_prefix = *config::Prefix::parse("2001:db8:1::/64");
    m.home_agent = *config::Ip6Address::parse("2001:db8:1::1");
    m.interface = "eth0";
    m.lifetime = 600;
    m.route_optimization = route_optimization;
    c.mobile_node = m;
    return c;
}

// What the world was asked, in order: "store put <hoa>", "map set <hoa> <local>><remote>[ registering]",
// "map del <hoa>", "proxy add <hoa>", "mh BA <status> to <dst>", "mh BU seq <n> lifetime <s>", ...
struct Journal {
    std::vector<std::string> lines;
    void add(std::string s) { lines.push_back(std::move(s)); }
    // Index of the first line starting with prefix, or -1.
    int find(const std::string& prefix) const {
        for (size_t i = 0; i < lines.size(); i++)
            if (lines[i].rfind(prefix, 0) == 0) return static_cast<int>(i);
        return -1;
    }
    std::vector<std::string> starting(const std::string& prefix) const {
        std::vector<std::string> out;
        for (const auto& l : lines)
            if (l.rfind(prefix, 0) == 0) out.push_back(l);
        return out;
    }
    std::string dump() const {
        std::string s;
        for (const auto& l : lines) s += "  " + l + "\n";
        return s;
    }
};

// A readable descriptor the loop can watch, made readable by notify().
class Readable {
public:
    Readable() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
    ~Readable() { close(fd_); }
    int fd() const { return fd_; }
    void notify() {
        uint64_t one = 1;
        EXPECT_EQ(write(fd_, &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
    }
    void clear() {
        uint64_t v;
        while (read(fd_, &v, sizeof(v)) == static_cast<ssize_t>(sizeof(v))) {
        }
    }

private:
    int fd_;
};

class FakeTunnels final : public Tunnels {
public:
    explicit FakeTunnels(Journal& j) : j_(j) {}
    void set(const in6_addr& hoa, const Tunnel& t) override {
        if (fail_set) {
            j_.add("map set failed " + str(hoa));
            throw std::runtime_error("cannot write binding: Argument list too long (fake: the map is full)");
        }
        map[str(hoa)] = t;
        j_.add("map set " + str(hoa) + " " + str(t.local) + ">" + str(t.remote) + (t.registering ? " registering" : ""));
    }
    bool remove(const in6_addr& hoa) override {
        j_.add("map del " + str(hoa));
        return map.erase(str(hoa)) != 0;
    }
    std::optional<Tunnel> find(const in6_addr& hoa) const override {
        auto it = map.find(str(hoa));
        if (it == map.end()) return std::nullopt;
        return it->second;
    }
    std::vector<std::pair<in6_addr, Tunnel>> all() const override {
        std::vector<std::pair<in6_addr, Tunnel>> out;
        for (const auto& [k, t] : map) out.emplace_back(addr(k.c_str()), t);
        return out;
    }
    void add_local(const in6_addr& a, LocalAddress use) override {
        locals[str(a)] = use;
        j_.add("local add " + str(a));
    }
    void remove_local(const in6_addr& a) override {
        locals.erase(str(a));
        j_.add("local del " + str(a));
    }
    void set_home_link_mac(const std::array<uint8_t, 6>& mac) override {
        home_link_mac = mac;
        j_.add("home link mac " + nd::to_string(mac));
    }
    std::map<std::string, Tunnel> map;
    std::optional<std::array<uint8_t, 6>> home_link_mac;
    std::map<std::string, LocalAddress> locals;
    bool fail_set = false;  // set() throws, as a full BPF map makes it

private:
    Journal& j_;
};

// A route-optimisation map by "home correspondent", each change journalled
// as "<name> set <home> <correspondent> <care-of>" / "<name> del <home>
// <correspondent>"; `in_use` holds the keys the datapath marked used.
class FakeRoBindings final : public RoBindings {
public:
    FakeRoBindings(Journal& j, std::string name) : j_(j), name_(std::move(name)) {}
    void set(const RoBinding& b) override {
        map[key(b.home, b.correspondent)] = b;
        in_use.erase(key(b.home, b.correspondent));  // a new value is unmarked
        j_.add(name_ + " set " + key(b.home, b.correspondent) + " " + str(b.care_of));
    }
    bool remove(const in6_addr& home, const in6_addr& correspondent) override {
        j_.add(name_ + " del " + key(home, correspondent));
        in_use.erase(key(home, correspondent));
        return map.erase(key(home, correspondent)) != 0;
    }
    std::vector<RoBinding> all() const override {
        std::vector<RoBinding> out;
        for (const auto& [k, v] : map) out.push_back(v);
        return out;
    }
    bool used_since_last_asked(const in6_addr& home, const in6_addr& correspondent) override {
        return map.count(key(home, correspondent)) != 0 && in_use.erase(key(home, correspondent)) != 0;
    }
    // The datapath: a packet used the binding.
    void mark_used(const in6_addr& home, const in6_addr& correspondent) { in_use.insert(key(home, correspondent)); }
    const RoBinding* find(const in6_addr& home, const in6_addr& correspondent) const {
        auto it = map.find(key(home, correspondent));
        return it == map.end() ? nullptr : &it->second;
    }
    static std::string key(const in6_addr& home, const in6_addr& correspondent) {
        return str(home) + " " + str(correspondent);
    }
    std::map<std::string, RoBinding> map;
    std::set<std::string> in_use;

private:
    Journal& j_;
    std::string name_;
};

class FakeNdSocket final : public NdSocket {
public:
    FakeNdSocket(Journal& j, int ifindex) : j_(j), ifindex_(ifindex) {}
    int fd() const override { return readable_.fd(); }
    bool send(const in6_addr& dst, std::span<const uint8_t> message, const in6_addr* src) override {
        sent.push_back({dst, src ? std::optional<in6_addr>(*src) : std::nullopt,
                        std::vector<uint8_t>(message.begin(), message.end())});
        j_.add("nd " + std::to_string(message.empty() ? 0 : message[0]) + " to " + str(dst));
        return true;
    }
    void drain(const std::function<void(const io::IcmpReceived&)>& on_message) override {
        readable_.clear();
        while (!queue_.empty()) {
            auto m = std::move(queue_.front());
            queue_.pop_front();
            io::IcmpReceived r;
            r.src = m.src;
            r.dst = m.dst;
            r.ifindex = ifindex_;
            r.hop_limit = 255;
            r.message = m.bytes;
            on_message(r);
        }
    }
    bool join_anycast(const in6_addr& a) override {
        anycast.push_back(a);
        j_.add("anycast join " + str(a));
        return true;
    }
    std::vector<in6_addr> anycast;
    // A message arriving on the link (the loop sees it on its next turn).
    void deliver(const in6_addr& src, const in6_addr& dst, std::vector<uint8_t> icmp) {
        queue_.push_back({src, dst, std::move(icmp)});
        readable_.notify();
    }
    struct Sent {
        in6_addr dst;
        std::optional<in6_addr> src;
        std::vector<uint8_t> bytes;
    };
    std::vector<Sent> sent;

private:
    struct Queued {
        in6_addr src, dst;
        std::vector<uint8_t> bytes;
    };
    Journal& j_;
    int ifindex_;
    Readable readable_;
    std::deque<Queued> queue_;
};

class FakeLinkEvents final : public LinkEvents {
public:
    int fd() const override { return readable_.fd(); }
    void drain(const std::function<void(const netlink::Monitor::Event&)>& on_event) override {
        readable_.clear();
        while (!queue_.empty()) {
            auto e = queue_.front();
            queue_.pop_front();
            on_event(e);
        }
    }
    void deliver(const netlink::Monitor::Event& e) {
        queue_.push_back(e);
        readable_.notify();
    }

private:
    Readable readable_;
    std::deque<netlink::Monitor::Event> queue_;
};

class FakeKernel final : public Kernel {
public:
    explicit FakeKernel(Journal& j) : j_(j) {}
    int ifindex(const std::string&) override { return kIfindex; }
    bool set_ipv6_conf(const std::string& scope, const std::string& key, const std::string& value) override {
        sysctls[scope + "." + key] = value;
        return true;
    }
    netlink::LinkInfo link(int ifindex) override {
        netlink::LinkInfo l;
        l.ifindex = ifindex;
        l.name = "eth0";
        l.up = l.running = true;
        l.mtu = 1500;
        l.mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
        l.allmulti = allmulti;
        return l;
    }
    std::vector<netlink::AddrInfo> addresses(int) override { return addrs; }
    void add_addr(int ifindex, const in6_addr& a, unsigned plen, const netlink::AddrOptions&) override {
        j_.add("addr add " + str(a) + "/" + std::to_string(plen));
        netlink::AddrInfo i;
        i.ifindex = ifindex;
        i.addr = a;
        i.prefixlen = plen;
        addrs.push_back(i);
    }
    void del_addr(int, const in6_addr& a, unsigned plen) override {
        j_.add("addr del " + str(a) + "/" + std::to_string(plen));
        std::erase_if(addrs, [&](const auto& x) { return core::same_addr(x.addr, a) && x.prefixlen == plen; });
    }
    // Default routes as "route via G"; others "route D/L via G src S" or
    // "route D/L dev src S" (on-link).
    static std::string route_str(const netlink::RouteSpec& r) {
        std::string s = r.dst_len ? str(r.dst) + "/" + std::to_string(r.dst_len) + " " : "";
        s += r.gateway ? "via " + str(*r.gateway) : "dev";
        if (r.dst_len && r.prefsrc) s += " src " + str(*r.prefsrc);
        return s;
    }
    void replace_route(const netlink::RouteSpec& r) override { j_.add("route " + route_str(r)); }
    void del_route(const netlink::RouteSpec& r) override { j_.add("route del " + route_str(r)); }
    std::vector<netlink::RouteSpec> ra_default_routes(int) override { return {}; }
    void add_proxy_neigh(int, const in6_addr& a) override {
        if (fail_proxy_add) {
            j_.add("proxy add failed " + str(a));
            throw std::runtime_error("netlink: add proxy neighbour: No buffer space available (fake)");
        }
        j_.add("proxy add " + str(a));
        proxies.insert(str(a));
    }
    void del_proxy_neigh(int, const in6_addr& a) override {
        j_.add("proxy del " + str(a));
        proxies.erase(str(a));
    }
    std::vector<in6_addr> proxy_neighs(int) override {
        j_.add("proxy list");
        std::vector<in6_addr> r;
        for (const auto& p : proxies) r.push_back(*core::parse_addr(p.c_str()));
        return r;
    }
    void set_allmulticast(int, bool on) override {
        if (fail_allmulticast) throw std::runtime_error("set allmulticast on: Operation not permitted (fake)");
        allmulti = on;
        j_.add(std::string("allmulticast ") + (on ? "on" : "off"));
    }
    std::unique_ptr<LinkEvents> watch_links() override {
        auto e = std::make_unique<FakeLinkEvents>();
        events = e.get();
        return e;
    }

    static constexpr int kIfindex = 7;
    bool fail_proxy_add = false;
    std::set<std::string> proxies;  // the proxy entries in place, by address text
    std::map<std::string, std::string> sysctls;
    std::vector<netlink::AddrInfo> addrs;
    FakeLinkEvents* events = nullptr;
    bool allmulti = false;           // the link's IFF_ALLMULTI
    bool fail_allmulticast = false;  // set_allmulticast() throws

private:
    Journal& j_;
};

// Mobility Header packets are parsed and journaled by message ("mh BA 0 to
// <dst>", "mh BU seq 1 lifetime 600 from <src>", "mh BRR to <dst>"); other
// packets by their ICMPv6 type ("raw icmp 135": the DAD probe).
class FakeWire final : public Wire {
public:
    explicit FakeWire(Journal& j) : j_(j) {}
    bool send(std::span<const uint8_t> packet, int) override {
        packets.emplace_back(packet.begin(), packet.end());
        // IPv6-in-IPv6 (a BRR tunnelled to the care-of address, a HoTI
        // through the reverse tunnel): the inner packet, the outer noted.
        std::string via;
        if (packet.size() > 40 && packet[6] == IPPROTO_IPV6) {
            in6_addr os, od;
            std::memcpy(&os, packet.data() + 8, 16);
            std::memcpy(&od, packet.data() + 24, 16);
            via = " via " + str(os) + ">" + str(od);
            packet = packet.subspan(40);
        }
        auto p = mh::parse_packet(packet);
        if (p && p->message) {
            const auto& m = *p->message;
            if (auto* ba = std::get_if<mh::BindingAck>(&m))
                j_.add("mh BA " + std::to_string(ba->status) + " to " + str(p->info.dst));
            else if (auto* bu = std::get_if<mh::BindingUpdate>(&m))
                j_.add("mh BU seq " + std::to_string(bu->sequence) + " lifetime " +
                       std::to_string(bu->lifetime_seconds()) + " from " + str(p->info.src));
            else if (std::holds_alternative<mh::BindingRefreshRequest>(m))
                j_.add("mh BRR to " + str(p->info.dst));
            else if (std::holds_alternative<mh::HomeTest>(m))
                j_.add("mh HoT to " + str(p->info.dst));
            else if (std::holds_alternative<mh::CareOfTest>(m))
                j_.add("mh CoT to " + str(p->info.dst));
            else if (std::holds_alternative<mh::HomeTestInit>(m))
                j_.add("mh HoTI " + str(p->info.src) + ">" + str(p->info.dst) + via);
            else if (std::holds_alternative<mh::CareOfTestInit>(m))
                j_.add("mh CoTI " + str(p->info.src) + ">" + str(p->info.dst) + via);
            else if (auto* be = std::get_if<mh::BindingError>(&m))
                j_.add("mh BE " + std::to_string(be->status) + " to " + str(p->info.dst));
            else
                j_.add("mh other");
        } else if (packet.size() > 40 && packet[6] == IPPROTO_ICMPV6) {
            j_.add("raw icmp " + std::to_string(packet[40]));
        } else {
            j_.add("raw other");
        }
        return true;
    }
    std::unique_ptr<NdSocket> open_nd(int ifindex, std::initializer_list<uint8_t> types,
                                      std::initializer_list<const char*>) override {
        auto s = std::make_unique<FakeNdSocket>(j_, ifindex);
        nd = s.get();
        for (uint8_t t : types) by_type[t] = s.get();
        return s;
    }
    // The socket opened last for each ICMPv6 type it receives.
    std::map<uint8_t, FakeNdSocket*> by_type;
    // The BAs sent, parsed.
    std::vector<mh::BindingAck> binding_acks() const {
        std::vector<mh::BindingAck> out;
        for (const auto& pkt : packets)
            if (auto p = mh::parse_packet(pkt); p && p->message)
                if (auto* ba = std::get_if<mh::BindingAck>(&*p->message)) out.push_back(*ba);
        return out;
    }
    // The BUs sent, parsed.
    std::vector<mh::BindingUpdate> binding_updates() const {
        std::vector<mh::BindingUpdate> out;
        for (const auto& pkt : packets)
            if (auto p = mh::parse_packet(pkt); p && p->message)
                if (auto* b = std::get_if<mh::BindingUpdate>(&*p->message)) out.push_back(*b);
        return out;
    }
    std::vector<std::vector<uint8_t>> packets;
    FakeNdSocket* nd = nullptr;  // the last ND socket opened

private:
    Journal& j_;
};

// The binding store: what it holds by home address; every transaction is
// journaled ("store put <hoa>... erase <hoa>...", or "store failed").
class FakeStore final : public StateStore {
public:
    explicit FakeStore(Journal& j) : j_(j) {}
    std::optional<std::string> open() override { return open_error; }
    core::Result<state::Snapshot, std::string> load() override {
        if (load_error) return *load_error;
        state::Snapshot s;
        for (const auto& [k, b] : bindings) s.bindings.push_back(b);
        for (const auto& [k, m] : mn) s.mn.push_back(m);
        s.created = !existed;
        existed = true;
        return s;
    }
    std::optional<std::string> commit(const state::Changes& c) override {
        if (fail_commits) {
            j_.add("store failed");
            return std::string("(fake): database or disk is full");
        }
        std::string line = "store";
        for (const auto& b : c.put) {
            bindings[str(b.hoa)] = b;
            line += " put " + str(b.hoa);
        }
        for (const auto& hoa : c.erase) {
            bindings.erase(str(hoa));
            line += " erase " + str(hoa);
        }
        for (const auto& m : c.mn_put) {
            mn[str(m.hoa)] = m;
            line += " mn " + str(m.hoa);
        }
        commits++;
        j_.add(line);
        return std::nullopt;
    }
    std::string where() const override { return "(fake)"; }

    std::map<std::string, state::HaBinding> bindings;
    std::map<std::string, state::MnState> mn;
    bool existed = false;  // false: load() says it was created now
    int commits = 0;
    bool fail_commits = false;
    std::optional<std::string> open_error, load_error;

private:
    Journal& j_;
};

// Fakes, the loop on a fake clock, and the context a service takes.
struct World {
    core::FakeTime time;
    core::EventLoop loop{time};
    Journal journal;
    FakeTunnels tunnels{journal};
    FakeKernel kernel{journal};
    FakeWire wire{journal};
    FakeStore store{journal};
    telemetry::SignallingStats stats;
    FakeRoBindings ro_peers{journal, "ro peer"};
    FakeRoBindings cn_bindings{journal, "cn binding"};
    Context ctx{loop, tunnels, kernel, wire, store, stats, nullptr, &ro_peers, &cn_bindings};

    // One wakeup of the loop, as the agent runs it: the service's batch
    // around what is ready and what is due.
    void attach(Service& s) {
        loop.set_dispatch_hooks([&s] { s.begin_batch(); }, [&s] { s.end_batch(); });
    }
    void turn() { loop.run_once(core::Duration::zero()); }
    void advance(core::Duration d) {
        time.advance(d);
        turn();
    }
};

// A packet as the datapath hands it to the agent, and its delivery to a
// service inside one batch (one drain of the signalling ring).
inline void deliver_mh(Service& s, const mh::PacketSpec& spec, const mh::Message& msg) {
    auto bytes = mh::build_packet(spec, msg);
    ASSERT_TRUE(bytes);
    auto p = mh::parse_packet(*bytes);
    ASSERT_TRUE(p);
    ASSERT_TRUE(p->message);
    s.begin_batch();
    s.on_mobility_packet(*p, *bytes, FakeKernel::kIfindex);
    s.end_batch();
}

}  // namespace xmip::agent::test
