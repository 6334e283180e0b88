// SPDX-License-Identifier: BSD-2-Clause
// The control API's answers and arguments as typed views, shared by xmipd
// (which fills them) and mipctl (which reads them): each field name is
// written once, here. The JSON is what the API has always carried (api 1):
// a view's to_json writes every field under its name; a reader looks fields
// up by View::key::<field> and shows a missing one as missing (an agent of
// another release may lack it).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace xmip::control {

// Command names.
namespace cmd {
inline constexpr const char* kStatus = "status";
inline constexpr const char* kStats = "stats";
inline constexpr const char* kBindingCache = "bcache";
inline constexpr const char* kBindingUpdateList = "bul";
inline constexpr const char* kHomeAgents = "home-agents";
inline constexpr const char* kBindingAdd = "binding-add";
inline constexpr const char* kBindingDel = "binding-del";
inline constexpr const char* kCluster = "cluster";  // a fleet member's view (docs/scale-out.md)
inline constexpr const char* kReload = "reload";  // what SIGHUP does, with its answer
inline constexpr const char* kRefresh = "refresh";  // a mobile node's Binding Update to its home agent, now
}  // namespace cmd

namespace view_detail {
template <class T>
void put(nlohmann::json& j, const char* k, const T& v) {
    j[k] = v;
}
template <class T>
void put(nlohmann::json& j, const char* k, const std::optional<T>& v) {
    if (v) j[k] = *v;  // absent, not null: as the agent always answered
}
}  // namespace view_detail

#define XMIP_VIEW_MEMBER(type, name) type name{};
#define XMIP_VIEW_KEY(type, name) static constexpr const char* name = #name;
#define XMIP_VIEW_PUT(type, name) view_detail::put(j, #name, v.name);
// A view: the struct, its field names as View::key::<field>, its to_json.
#define XMIP_CONTROL_VIEW(Name, FIELDS)                        \
    struct Name {                                              \
        FIELDS(XMIP_VIEW_MEMBER)                               \
        struct key {                                           \
            FIELDS(XMIP_VIEW_KEY)                              \
        };                                                     \
    };                                                         \
    inline void to_json(nlohmann::json& j, const Name& v) {   \
        j = nlohmann::json::object();                          \
        FIELDS(XMIP_VIEW_PUT)                                  \
    }

// status: the agent's part, then the role's (merged into one object).
// datapath: [{"interface", "hook", "mode", "link"}], one per attachment.
#define XMIP_AGENT_STATUS(X) \
    X(std::string, version) X(std::string, instance) X(long, uptime_s) X(nlohmann::json, datapath)
XMIP_CONTROL_VIEW(AgentStatus, XMIP_AGENT_STATUS)
#define XMIP_HA_STATUS(X)                                                                     \
    X(std::string, role) X(std::string, home_agent_address) X(std::string, home_link)           \
    X(std::size_t, bindings) X(uint32_t, binding_limit) X(std::size_t, home_agents_known)
XMIP_CONTROL_VIEW(HaStatus, XMIP_HA_STATUS)
#define XMIP_MN_STATUS(X)                                                                       \
    X(std::string, role) X(std::string, home_address) X(std::string, home_agent)                  \
    X(std::string, interface) X(std::string, location) X(std::string, care_of_address)           \
    X(std::optional<double>, last_handoff_ms)
XMIP_CONTROL_VIEW(MnStatus, XMIP_MN_STATUS)
// A correspondent: where it listens, whether it takes route-optimised
// bindings, how many it holds, how many nonces it would still accept.
#define XMIP_CN_STATUS(X)                  \
    X(std::string, role)                   \
    X(std::vector<std::string>, addresses) \
    X(bool, route_optimisation) X(std::size_t, bindings) X(uint32_t, binding_limit) X(std::size_t, nonces)
XMIP_CONTROL_VIEW(CnStatus, XMIP_CN_STATUS)

// bcache (and binding-add's answer): one per binding. At a correspondent
// home_agent_address is the correspondent's own address the binding was
// registered with.
#define XMIP_BINDING_CACHE_ENTRY(X)                                                        \
    X(std::string, home_address) X(std::string, care_of_address)                             \
    X(std::string, home_agent_address) X(uint16_t, sequence) X(uint32_t, lifetime)            \
    X(long, lifetime_left) X(std::string, state)
XMIP_CONTROL_VIEW(BindingCacheEntry, XMIP_BINDING_CACHE_ENTRY)

// bul: the mobile node's binding update list, one entry per peer: the home
// agent ("ha", first) and each correspondent ("cn", route optimisation);
// the keygen tokens' ages in seconds, -1 when none (correspondents only).
// clang-format off
#define XMIP_BUL_ENTRY(X)                                                                  \
    X(std::string, recipient) X(std::string, correspondent)                                  \
    X(std::string, home_agent) X(std::string, home_address) X(std::string, care_of_address)  \
    X(std::string, state) X(uint16_t, sequence) X(uint32_t, lifetime)                        \
    X(long, retransmit_delay_ms) X(long, max_delay_ms) X(unsigned, transmissions)            \
    X(long, expires_in) X(long, next_event_in_ms) X(long, home_token_age_s)                  \
    X(long, care_of_token_age_s)
// clang-format on
XMIP_CONTROL_VIEW(BulEntry, XMIP_BUL_ENTRY)

// home-agents: the home agents list, highest preference first.
#define XMIP_HOME_AGENT_ENTRY(X)                                                           \
    X(std::string, link_local) X(int16_t, preference) X(long, lifetime_left)                  \
    X(std::vector<std::string>, addresses)
XMIP_CONTROL_VIEW(HomeAgentEntry, XMIP_HOME_AGENT_ENTRY)

// cluster: a home agent of a fleet (docs/scale-out.md). members: the live
// members' names; addresses: [ClusterAddress]; store_reachable: the lease
// was renewed on the last round (else registrations are refused, 130);
// store_health: what the etcd member answering says ("ok", or absent);
// failure_detection_ms: how long a holder may be silent on the home link
// before its lease is revoked (0: off); heard: [ClusterPeer], the members
// heard there; evictions: leases this member revoked; heartbeats: sent,
// send_errors, received, dropped (malformed or not from the link itself).
// One field per line, by hand: clang-format reflows the macro's
// continuation lines differently by the range it is given.
// clang-format off
#define XMIP_CLUSTER(X)                          \
    X(std::string, member)                       \
    X(std::vector<std::string>, members)         \
    X(bool, store_reachable)                     \
    X(std::optional<std::string>, store_health)  \
    X(long, lease_ttl_ms)                        \
    X(std::optional<long>, lease_renewed_ms_ago) \
    X(std::optional<long>, watch_lag_ms)         \
    X(long, failure_detection_ms)                \
    X(nlohmann::json, heard)                     \
    X(uint64_t, evictions)                       \
    X(nlohmann::json, heartbeats)                \
    X(nlohmann::json, addresses)
// clang-format on
XMIP_CONTROL_VIEW(ClusterView, XMIP_CLUSTER)
// One of the fleet's home agent addresses: who holds it ("" nobody).
#define XMIP_CLUSTER_ADDRESS(X) X(std::string, address) X(std::string, holder) X(bool, held_here)
XMIP_CONTROL_VIEW(ClusterAddress, XMIP_CLUSTER_ADDRESS)
// A member heard on the home link, and how long ago.
#define XMIP_CLUSTER_PEER(X) X(std::string, member) X(long, heard_ms_ago)
XMIP_CONTROL_VIEW(ClusterPeer, XMIP_CLUSTER_PEER)

// stats: {"signalling": {<counter id>: value, ...}, "datapath": [DatapathCounter, ...]}.
#define XMIP_STATS(X) X(nlohmann::json, signalling) X(nlohmann::json, datapath)
XMIP_CONTROL_VIEW(Stats, XMIP_STATS)
#define XMIP_DATAPATH_COUNTER(X)                                                           \
    X(std::string, id) X(std::string, verdict) X(std::string, reason) X(uint64_t, packets)    \
    X(uint64_t, bytes)
XMIP_CONTROL_VIEW(DatapathCounter, XMIP_DATAPATH_COUNTER)

// binding-add / binding-del arguments (lifetime: binding-add only, optional).
#define XMIP_BINDING_ARGS(X)                                                              \
    X(std::string, home_address) X(std::string, care_of_address) X(std::optional<uint32_t>, lifetime)
XMIP_CONTROL_VIEW(BindingArgs, XMIP_BINDING_ARGS)

// reload: whether the configuration file was taken (false: it did not load,
// errors say why, nothing changed); the live keys that changed; each
// restart-only key kept at its running value, and the binding limit held to
// the map, one message each ("datapath.max_bindings: 65536 -> 131072 takes a
// restart (...); keeping 65536").
#define XMIP_RELOAD_ANSWER(X)            \
    X(bool, reloaded)                    \
    X(std::vector<std::string>, applied) \
    X(std::vector<std::string>, kept)    \
    X(std::vector<std::string>, errors)  \
    X(std::vector<std::string>, warnings)
XMIP_CONTROL_VIEW(ReloadAnswer, XMIP_RELOAD_ANSWER)

// mipctl refresh (a mobile node): the Binding Update just sent.
#define XMIP_REFRESH_ANSWER(X) \
    X(uint16_t, sequence)      \
    X(std::string, care_of_address)
XMIP_CONTROL_VIEW(RefreshAnswer, XMIP_REFRESH_ANSWER)

#undef XMIP_VIEW_MEMBER
#undef XMIP_VIEW_KEY
#undef XMIP_VIEW_PUT

}  // namespace xmip::control
