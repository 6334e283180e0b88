// SPDX-License-Identifier: BSD-2-Clause
// The fleet's coordination store as a map (ha_fleet.hpp's FleetElection
// port): what the fleet tests and the shared-binding tests elect with.
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fakes.hpp"
#include "xmipd/fleet_ports.hpp"

namespace xmip::agent::test {

// One coordination store shared by several agents' ports: per address the
// candidates in order of arrival; members while "up".
struct FakeFleetStore {
    bool reachable = true;
    std::set<std::string> members;
    std::map<std::string, std::vector<std::string>> candidates;  // by address
    std::vector<std::string> evicted;                            // in the order evict() revoked them
};

// A member's lease gone: its member key and its candidacies with it.
inline void drop(FakeFleetStore& s, const std::string& member) {
    s.members.erase(member);
    for (auto& [a, c] : s.candidates) std::erase(c, member);
}

// Who is heard on the home link, as the test says.
class FakeLiveness final : public FleetLiveness {
public:
    std::vector<Peer> peers() const override { return heard; }
    Counters counters() const override { return counts; }
    void set(const std::string& member, std::chrono::milliseconds silent_for) {
        for (auto& p : heard)
            if (p.member == member) {
                p.silent_for = silent_for;
                return;
            }
        heard.push_back({member, silent_for});
    }
    std::vector<Peer> heard;
    Counters counts;
};

class FakeElection final : public FleetElection {
public:
    FakeElection(FakeFleetStore& s, std::string name) : s_(s), name_(std::move(name)) {}
    bool renew() override {
        if (!s_.reachable) return false;
        s_.members.insert(name_);
        return true;
    }
    std::optional<std::vector<std::string>> members() override {
        if (!s_.reachable) return std::nullopt;
        return std::vector<std::string>(s_.members.begin(), s_.members.end());
    }
    std::optional<bool> campaign(const in6_addr& a) override {
        if (!s_.reachable) return std::nullopt;
        auto& c = s_.candidates[str(a)];
        if (std::find(c.begin(), c.end(), name_) == c.end()) c.push_back(name_);
        return c.front() == name_;
    }
    bool resign(const in6_addr& a) override {
        std::erase(s_.candidates[str(a)], name_);
        return true;
    }
    std::optional<std::string> holder(const in6_addr& a) override {
        if (!s_.reachable) return std::nullopt;
        auto& c = s_.candidates[str(a)];
        return c.empty() ? std::string() : c.front();
    }
    bool evict(const std::string& member) override {
        if (!s_.reachable || member == name_ || !s_.members.contains(member)) return false;
        s_.evicted.push_back(member);
        drop(s_, member);
        return true;
    }
    // The store expired this member's lease.
    void expire() { drop(s_, name_); }

private:
    FakeFleetStore& s_;
    std::string name_;
};

// The shared binding store's watch: the test hands a change to the
// service as the agent's loop would, inside one batch.
class FakeSharedBindings final : public SharedBindings {
public:
    void follow(std::function<void(const SharedChanges&)> on_changes) override { on_changes_ = std::move(on_changes); }
    void deliver(Service& s, const SharedChanges& c) {
        ASSERT_TRUE(on_changes_) << "the service never followed the shared store";
        s.begin_batch();
        on_changes_(c);
        s.end_batch();
    }

private:
    std::function<void(const SharedChanges&)> on_changes_;
};

}  // namespace xmip::agent::test
