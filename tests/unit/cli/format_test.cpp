// SPDX-License-Identifier: BSD-2-Clause
// mipctl's views from fixed agent answers: the exact text of each table.
#include <gtest/gtest.h>

#include "cli/format.hpp"

using namespace xmip::cli;
using nlohmann::json;

namespace {

// What xmipd's `stats` answers (Agent::stats_json), trimmed to a few datapath rows.
const json kStats = json::parse(R"({
  "signalling": {
    "bu_received": 12, "bu_sent": 0, "ba_received": 0, "ba_sent": 11,
    "ba_nack_received": 0, "ba_nack_sent": 1, "brr_received": 0, "brr_sent": 2,
    "be_received": 0, "be_sent": 3, "bu_drop_auth": 0, "bu_drop_invalid": 4,
    "ba_drop_auth": 0, "ba_drop_invalid": 0, "ba_drop_misc": 0,
    "brr_drop_invalid": 0, "mh_drop_invalid": 0, "mh_drop_unexpected": 5,
    "be_hao_received": 0, "be_mhtype_received": 0, "hareq_received": 6, "hareq_drop_invalid": 0,
    "hareq_drop_ratelimit": 1, "harep_sent": 5, "hareq_sent": 0, "harep_received": 0,
    "harep_drop_invalid": 0, "harep_drop_misc": 0, "mps_received": 2, "mps_drop_invalid": 0,
    "mps_drop_misc": 1, "mps_drop_ratelimit": 0, "mpa_sent": 1
  },
  "datapath": [
    {"verdict": "pass", "reason": "not_ipv6", "packets": 7, "bytes": 420},
    {"verdict": "tx", "reason": "encap", "packets": 56, "bytes": 8960},
    {"verdict": "pass", "reason": "encap_neigh_unresolved", "packets": 1, "bytes": 144},
    {"verdict": "redirect", "reason": "decap", "packets": 25, "bytes": 2600},
    {"verdict": "drop", "reason": "spoofed", "packets": 3, "bytes": 312},
    {"verdict": "drop", "reason": "no_route", "packets": 1, "bytes": 104}
  ]
})");

const json kBcache = json::parse(R"([
  {"home_address": "2001:db8:1::4", "care_of_address": "2001:db8:aa:0:290:7dff:fef3:31a",
   "home_agent_address": "2001:db8:1::2", "sequence": 14, "lifetime": 1000, "lifetime_left": 971, "state": "active"},
  {"home_address": "2001:db8:1::77", "care_of_address": "2001:db8:bb::9",
   "home_agent_address": "2001:db8:1::2", "sequence": 3, "lifetime": 420, "lifetime_left": 0, "state": "dad"}
])");

const json kBul = json::parse(R"([
  {"recipient": "ha", "correspondent": "", "home_agent": "2001:db8:1::2", "home_address": "2001:db8:1::4",
   "care_of_address": "2001:db8:aa:0:290:7dff:fef3:31a", "state": "bound", "sequence": 14,
   "lifetime": 1000, "retransmit_delay_ms": 1500, "max_delay_ms": 32000, "transmissions": 1,
   "expires_in": 936, "next_event_in_ms": 736250, "home_token_age_s": -1, "care_of_token_age_s": -1}
])");

// The guide's mipdiag -l "Recipient CN" rows: a correspondent bound, one
// still testing (no care-of token yet).
const json kBulWithCorrespondents = json::parse(R"([
  {"recipient": "ha", "correspondent": "", "home_agent": "2001:db8:1::2", "home_address": "2001:db8:1::4",
   "care_of_address": "2001:db8:aa::4", "state": "bound", "sequence": 14,
   "lifetime": 1000, "retransmit_delay_ms": 1500, "max_delay_ms": 32000, "transmissions": 1,
   "expires_in": 936, "next_event_in_ms": 736250, "home_token_age_s": -1, "care_of_token_age_s": -1},
  {"recipient": "cn", "correspondent": "2001:db8:5::2", "home_agent": "2001:db8:1::2",
   "home_address": "2001:db8:1::4", "care_of_address": "2001:db8:aa::4", "state": "bound", "sequence": 3,
   "lifetime": 420, "retransmit_delay_ms": 1000, "max_delay_ms": 32000, "transmissions": 0,
   "expires_in": 400, "next_event_in_ms": 316000, "home_token_age_s": 20, "care_of_token_age_s": 19},
  {"recipient": "cn", "correspondent": "2001:db8:6::9", "home_agent": "2001:db8:1::2",
   "home_address": "2001:db8:1::4", "care_of_address": "2001:db8:aa::4", "state": "testing", "sequence": 0,
   "lifetime": 0, "retransmit_delay_ms": 2000, "max_delay_ms": 32000, "transmissions": 2,
   "expires_in": 0, "next_event_in_ms": 1500, "home_token_age_s": 1, "care_of_token_age_s": -1}
])");

}  // namespace

TEST(Table, AlignsPadsAndTrimsTrailingBlanks) {
    Table t({{"NAME"}, {"N", true}, {"NOTE"}});
    t.add({"a", "1", ""});
    t.add({"long-name", "1234", "x"});
    EXPECT_EQ(t.str(),
              "NAME          N  NOTE\n"
              "a             1\n"
              "long-name  1234  x\n");
}

TEST(Format, MsAsSeconds) {
    EXPECT_EQ(ms_as_seconds(1500), "1.5");
    EXPECT_EQ(ms_as_seconds(32000), "32");
    EXPECT_EQ(ms_as_seconds(250), "0.25");
    EXPECT_EQ(ms_as_seconds(1), "0.001");
    EXPECT_EQ(ms_as_seconds(0), "0");
    EXPECT_EQ(ms_as_seconds(-1), "-");
}

TEST(Format, StatsShowsTheGuidesCountersAndTheDatapath) {
    EXPECT_EQ(
        format_stats(kStats),
        "Signalling\n"
        "COUNTER               MIPDIAG                  VALUE  DESCRIPTION\n"
        "bu_received           NBindUpdatesRcvd            12  Binding Updates received\n"
        "bu_sent               NBindUpdatesSent             0  Binding Updates sent\n"
        "ba_received           NBindAcksRcvd                0  accepting Binding Acknowledgements received\n"
        "ba_sent               NBindAcksSent               11  accepting Binding Acknowledgements sent\n"
        "ba_nack_received      NBindNAcksRcvd               0  rejecting Binding Acknowledgements received\n"
        "ba_nack_sent          NBindNAcksSent               1  rejecting Binding Acknowledgements sent\n"
        "brr_received          NBindRqsRcvd                 0  Binding Refresh Requests received\n"
        "brr_sent              NBindRqsSent                 2  Binding Refresh Requests sent\n"
        "be_received           -                            0  Binding Errors received\n"
        "be_sent               -                            3  Binding Errors sent\n"
        "bu_drop_auth          NBindUpdatesDropAuth         0  Binding Updates dropped: authentication\n"
        "bu_drop_invalid       NBindUpdatesDropInvalid      4  Binding Updates dropped: malformed or bad checksum\n"
        "bu_drop_ratelimit     -                            -  Binding Updates dropped: over the per-source rate (not "
        "counted by this agent)\n"
        "ba_drop_auth          NBindAcksDropAuth            0  Binding Acknowledgements dropped: authentication\n"
        "ba_drop_invalid       NBindAcksDropInvalid         0  Binding Acknowledgements dropped: malformed\n"
        "ba_drop_misc          NBindAcksDropMisc            0  Binding Acknowledgements dropped: not for a pending "
        "update\n"
        "brr_drop_invalid      NBindRqsDropInvalid          0  Binding Refresh Requests dropped: malformed\n"
        "brr_drop_misc         NBindRqsDropMisc             -  Binding Refresh Requests dropped: not from our home "
        "agent (not counted by this agent)\n"
        "hoti_received         -                            -  Home Test Init received (correspondent) (not counted by "
        "this agent)\n"
        "hot_sent              -                            -  Home Test sent (correspondent) (not counted by this "
        "agent)\n"
        "coti_received         -                            -  Care-of Test Init received (correspondent) (not counted "
        "by this agent)\n"
        "cot_sent              -                            -  Care-of Test sent (correspondent) (not counted by this "
        "agent)\n"
        "hoti_sent             -                            -  Home Test Init sent (mobile node, through the home "
        "agent) (not counted by this agent)\n"
        "coti_sent             -                            -  Care-of Test Init sent (mobile node) (not counted by "
        "this agent)\n"
        "hot_received          -                            -  Home Test received (mobile node) (not counted by this "
        "agent)\n"
        "cot_received          -                            -  Care-of Test received (mobile node) (not counted by "
        "this agent)\n"
        "icmp_pp_mh_received   -                            -  ICMPv6 Parameter Problem 1 at our Mobility Header "
        "(mobile node) (not counted by this agent)\n"
        "icmp_drop_invalid     -                            -  ICMPv6 errors dropped: truncated or malformed quote "
        "(mobile node) (not counted by this agent)\n"
        "hot_drop_misc         -                            -  Home / Care-of Tests dropped: not for an outstanding "
        "init (not counted by this agent)\n"
        "hoti_drop_invalid     -                            -  Home Test Init dropped: with a Home Address option (not "
        "counted by this agent)\n"
        "coti_drop_invalid     -                            -  Care-of Test Init dropped: with a Home Address option "
        "(not counted by this agent)\n"
        "hoti_drop_ratelimit   -                            -  Home Test Init dropped: over the per-source rate (not "
        "counted by this agent)\n"
        "coti_drop_ratelimit   -                            -  Care-of Test Init dropped: over the per-source rate "
        "(not counted by this agent)\n"
        "hoti_drop_policy      -                            -  Home Test Init dropped: route optimisation off or "
        "denied (not counted by this agent)\n"
        "coti_drop_policy      -                            -  Care-of Test Init dropped: route optimisation off or "
        "denied (not counted by this agent)\n"
        "bu_drop_policy        -                            -  Binding Updates dropped: route optimisation off or "
        "denied (not counted by this agent)\n"
        "be_drop_ratelimit     -                            -  Binding Errors (status 1) not sent: over the rate (not "
        "counted by this agent)\n"
        "mh_drop_invalid       -                            0  other Mobility Header packets dropped: malformed\n"
        "mh_drop_unexpected    -                            5  Mobility Header messages this role does not take\n"
        "be_hao_received       -                            0  Binding Errors received: status 1, no binding for a "
        "home address option\n"
        "be_mhtype_received    -                            0  Binding Errors received: status 2, unrecognised MH "
        "type\n"
        "hareq_received        -                            6  DHAAD requests received\n"
        "hareq_drop_invalid    -                            0  DHAAD requests dropped: malformed or not to our "
        "anycast\n"
        "hareq_drop_ratelimit  -                            1  DHAAD requests dropped: over the rate\n"
        "harep_sent            -                            5  DHAAD replies sent\n"
        "hareq_sent            -                            0  DHAAD requests sent\n"
        "harep_received        -                            0  DHAAD replies received\n"
        "harep_drop_invalid    -                            0  DHAAD replies dropped: malformed or no usable address\n"
        "harep_drop_misc       -                            0  DHAAD replies dropped: not for our outstanding request\n"
        "mps_received          -                            2  Mobile Prefix Solicitations received\n"
        "mps_drop_invalid      -                            0  Mobile Prefix Solicitations dropped: malformed\n"
        "mps_drop_misc         -                            1  Mobile Prefix Solicitations dropped: not from a "
        "registered care-of\n"
        "mps_drop_ratelimit    -                            0  Mobile Prefix Solicitations dropped: over the rate\n"
        "mpa_sent              -                            1  Mobile Prefix Advertisements sent\n"
        "mps_sent              -                            -  Mobile Prefix Solicitations sent (not counted by this "
        "agent)\n"
        "mpa_received          -                            -  Mobile Prefix Advertisements received (not counted by "
        "this agent)\n"
        "mpa_drop_invalid      -                            -  Mobile Prefix Advertisements dropped: malformed or a "
        "bad prefix (not counted by this agent)\n"
        "mpa_drop_misc         -                            -  Mobile Prefix Advertisements dropped: not the answer "
        "to our solicitation (not counted by this agent)\n"
        "bu_drop_fleet         -                            -  Binding Updates dropped: to a fleet address another "
        "member holds (not counted by this agent)\n"
        "\n"
        "Datapath\n"
        "TOTAL           MIPDIAG          PACKETS  BYTES\n"
        "encapsulations  NEncapsulations       57   9104\n"
        "decapsulations  NDecapsulations       25   2600\n"
        "drops           -                      4    416\n"
        "\n"
        "VERDICT   REASON                  PACKETS  BYTES  DESCRIPTION\n"
        "pass      not_ipv6                      7    420  frame is not IPv6 (ARP, IPv4, ...)\n"
        "tx        encap                        56   8960  encapsulated towards the care-of address, sent back out "
        "(XDP_TX)\n"
        "pass      encap_neigh_unresolved        1    144  encapsulated; next hop not resolved, stack forwards it\n"
        "redirect  decap                        25   2600  reverse tunnel decapsulated and redirected\n"
        "drop      spoofed                       3    312  tunnelled packet whose inner/outer addresses match no "
        "binding\n"
        "drop      no_route                      1    104  no usable route to the tunnel end point\n");
}

TEST(Format, StatsKeepsCountersOfANewerAgent) {
    json s = kStats;
    s["signalling"]["bu_drop_quota"] = 9;
    s["datapath"] = json::array({{{"verdict", "drop"}, {"reason", "new_reason"}, {"packets", 2}, {"bytes", 80}}});
    auto text = format_stats(s);
    EXPECT_NE(text.find("bu_drop_quota         -                            9\n"), std::string::npos) << text;
    EXPECT_NE(text.find("drop     new_reason        2     80\n"), std::string::npos) << text;
}

TEST(Format, StatsOfAnOlderAgentShowsWhatIsMissing) {
    auto text = format_stats(json::object());
    EXPECT_NE(text.find("bu_received           NBindUpdatesRcvd             -  Binding Updates received (not counted "
                        "by this agent)\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("encapsulations  NEncapsulations        0      0\n"), std::string::npos) << text;
}

TEST(Format, Bcache) {
    EXPECT_EQ(format_bcache(kBcache),
              "HOME ADDRESS    CARE-OF ADDRESS                  LIFETIME  LEFT  SEQUENCE  STATE\n"
              "2001:db8:1::4   2001:db8:aa:0:290:7dff:fef3:31a      1000   971        14  active\n"
              "2001:db8:1::77  2001:db8:bb::9                        420     0         3  dad\n");
}

TEST(Format, EmptyBcache) {
    EXPECT_EQ(format_bcache(json::array()),
              "HOME ADDRESS  CARE-OF ADDRESS  LIFETIME  LEFT  SEQUENCE  STATE\n"
              "(no bindings)\n");
}

TEST(Format, Bul) {
    EXPECT_EQ(format_bul(kBul),
              "RECIPIENT  PEER           HOME ADDRESS   CARE-OF ADDRESS                  LIFETIME  LEFT  SEQUENCE  "
              "STATE  DELAY  MAX DELAY  SENT    NEXT  TOKENS\n"
              "HA         2001:db8:1::2  2001:db8:1::4  2001:db8:aa:0:290:7dff:fef3:31a      1000   936        14  "
              "bound    1.5         32     1  736.25  -\n");
}

TEST(Format, BulListsEachCorrespondent) {
    EXPECT_EQ(format_bul(kBulWithCorrespondents),
              "RECIPIENT  PEER           HOME ADDRESS   CARE-OF ADDRESS  LIFETIME  LEFT  SEQUENCE  STATE    DELAY  MAX "
              "DELAY  SENT    NEXT  TOKENS\n"
              "HA         2001:db8:1::2  2001:db8:1::4  2001:db8:aa::4       1000   936        14  bound      1.5      "
              "   32     1  736.25  -\n"
              "CN         2001:db8:5::2  2001:db8:1::4  2001:db8:aa::4        420   400         3  bound        1      "
              "   32     0     316  home 20s care-of 19s\n"
              "CN         2001:db8:6::9  2001:db8:1::4  2001:db8:aa::4          0     0         0  testing      2      "
              "   32     2     1.5  home 1s care-of -\n");
    // JSON (mipctl -j bul) is the agent's own list, unchanged.
    EXPECT_EQ(json::parse(format_json(kBulWithCorrespondents)), kBulWithCorrespondents);
}

// An older agent's entries (no recipient): the home agent's row.
TEST(Format, BulFromAnOlderAgentIsTheHomeAgentsRow) {
    json b = kBul;
    b[0].erase("recipient");
    b[0].erase("correspondent");
    b[0].erase("home_token_age_s");
    b[0].erase("care_of_token_age_s");
    EXPECT_EQ(format_bul(b), format_bul(kBul));
}

TEST(Format, BulAtHomeHasNoCareOfAddressNorTimer) {
    json b = kBul;
    b[0]["care_of_address"] = "";
    b[0]["state"] = "at-home";
    b[0]["next_event_in_ms"] = -1;
    b[0]["expires_in"] = 0;
    EXPECT_EQ(format_bul(b),
              "RECIPIENT  PEER           HOME ADDRESS   CARE-OF ADDRESS  LIFETIME  LEFT  SEQUENCE  STATE    DELAY  MAX "
              "DELAY  SENT  NEXT  TOKENS\n"
              "HA         2001:db8:1::2  2001:db8:1::4  -                    1000     0        14  at-home    1.5      "
              "   32     1     -  -\n");
}

TEST(Format, HomeAgents) {
    json has = json::parse(R"([
      {"link_local": "fe80::1", "preference": 10, "lifetime_left": 1700, "addresses": ["2001:db8:1::3", "2001:db8:2::3"]},
      {"link_local": "fe80::2", "preference": 0, "lifetime_left": 30, "addresses": []}
    ])");
    EXPECT_EQ(format_home_agents(has),
              "LINK-LOCAL  PREFERENCE  LEFT  ADDRESSES\n"
              "fe80::1             10  1700  2001:db8:1::3,2001:db8:2::3\n"
              "fe80::2              0    30  -\n");
}

TEST(Format, ClusterShowsTheHoldersAndWhoIsHeardOnTheHomeLink) {
    json v = json::parse(R"({"member": "ha2", "members": ["ha1", "ha2", "ha3"], "store_reachable": true,
        "store_health": "ok", "lease_ttl_ms": 2000, "lease_renewed_ms_ago": 120, "watch_lag_ms": 3,
        "failure_detection_ms": 500, "heard": [{"member": "ha1", "heard_ms_ago": 40}, {"member": "ha3", "heard_ms_ago": 90}],
        "evictions": 1, "addresses": [{"address": "2001:db8:1::1", "holder": "ha1", "held_here": false},
                                      {"address": "2001:db8:1::2", "holder": "", "held_here": false}]})");
    EXPECT_EQ(format_cluster(v),
              "member:    ha2\n"
              "members:   ha1,ha2,ha3\n"
              "etcd:      reachable, ok\n"
              "lease:     ttl 2 s, renewed 0.12 s ago\n"
              "watch lag: 0.003 s\n"
              "heartbeat: evicts a holder silent 0.5 s; heard ha1 0.04 s ago, ha3 0.09 s ago; 1 evicted\n"
              "HA-ADDRESS     HOLDER  HERE\n"
              "2001:db8:1::1  ha1     no\n"
              "2001:db8:1::2  (none)  no\n");
    v["failure_detection_ms"] = 0;
    EXPECT_NE(format_cluster(v).find("heartbeat: off (the lease alone moves a dead holder's addresses)\n"),
              std::string::npos);
    v.erase("failure_detection_ms");  // an agent of an earlier release
    EXPECT_NE(format_cluster(v).find("heartbeat: off"), std::string::npos);
}

TEST(Format, Status) {
    json st = json::parse(R"({"role": "mn", "home_address": "2001:db8:1::4", "care_of_address": "",
                              "version": "0.1.0", "uptime_s": 42})");
    EXPECT_EQ(format_status(st),
              "care_of_address:  -\n"
              "home_address:     2001:db8:1::4\n"
              "role:             mn\n"
              "uptime_s:         42\n"
              "version:          0.1.0\n");
}

TEST(Format, StatusNamesEachAttachmentAndItsMode) {
    json st = json::parse(R"({"role": "mn", "datapath": [
        {"interface": "mn0", "hook": "xdp", "mode": "generic", "link": true},
        {"interface": "mn0", "hook": "tc-egress", "mode": "clsact", "link": false}]})");
    EXPECT_EQ(format_status(st),
              "datapath:  mn0 xdp generic (link), mn0 tc-egress clsact\n"
              "role:      mn\n");
}

TEST(Format, JsonPassesTheAgentsAnswerThroughStably) {
    // Whatever the agent answered, indented by 2, keys sorted: byte-stable.
    EXPECT_EQ(format_json(kBcache[1]),
              "{\n"
              "  \"care_of_address\": \"2001:db8:bb::9\",\n"
              "  \"home_address\": \"2001:db8:1::77\",\n"
              "  \"home_agent_address\": \"2001:db8:1::2\",\n"
              "  \"lifetime\": 420,\n"
              "  \"lifetime_left\": 0,\n"
              "  \"sequence\": 3,\n"
              "  \"state\": \"dad\"\n"
              "}\n");
    EXPECT_EQ(json::parse(format_json(kStats)), kStats);
    EXPECT_EQ(format_json(kStats), format_json(json::parse(kStats.dump())));
}

TEST(Format, MipdiagNames) {
    EXPECT_EQ(mipdiag_name("bu_received"), "NBindUpdatesRcvd");
    EXPECT_EQ(mipdiag_name("ba_nack_sent"), "NBindNAcksSent");
    EXPECT_EQ(mipdiag_name("be_sent"), "");
}

// Failures: the message and the exit code for each way a call can fail.
TEST(Errors, EachKindAndCodeHasAMessageAndAnExitCode) {
    using Kind = xmip::control::ClientError::Kind;
    using xmip::control::ClientError;
    Target t{"/run/xmip/ha.sock", "ha", false, {"mn"}, "/run/xmip"};
    struct Case {
        ClientError e;
        int code;
        std::string message;
    } cases[] = {
        {ClientError(Kind::NoAgent, "x"), kExitNoAgent,
         "no agent for instance 'ha': /run/xmip/ha.sock does not exist (running instances: mn)"},
        {ClientError(Kind::Permission, "x"), kExitNoAgent,
         "permission denied on /run/xmip/ha.sock: run as root or as a member of the socket's group"},
        {ClientError(Kind::Timeout, "agent did not answer within 3000 ms"), kExitNoAgent,
         "the agent at /run/xmip/ha.sock did not answer: agent did not answer within 3000 ms"},
        {ClientError(Kind::Protocol, "malformed reply"), kExitNoAgent,
         "cannot talk to the agent at /run/xmip/ha.sock: malformed reply"},
        {ClientError(Kind::Remote, "this agent speaks control API 2; request has 1", "api_version"), kExitNoAgent,
         "the agent at /run/xmip/ha.sock speaks another control API version (this agent speaks control API 2; "
         "request has 1); this mipctl speaks API 1: use the mipctl of that xmipd release"},
        {ClientError(Kind::Remote, "the binding cache is a home agent's", "wrong_role"), kExitAgentError,
         "wrong role: the binding cache is a home agent's"},
        {ClientError(Kind::Remote, "no binding for 2001:db8::1", "not_found"), kExitAgentError,
         "not found: no binding for 2001:db8::1"},
        {ClientError(Kind::Remote, "refused with status 129", "invalid_argument"), kExitAgentError,
         "the agent refused the arguments: refused with status 129"},
        {ClientError(Kind::Remote, "unknown command 'bcache'", "unknown_command"), kExitAgentError,
         "the agent does not know the command 'bcache' (an older xmipd?): unknown command 'bcache'"},
        {ClientError(Kind::Remote, "boom", "internal"), kExitAgentError, "agent error (internal): boom"},
    };
    for (const auto& c : cases) {
        auto f = describe_error(c.e, t, "bcache");
        EXPECT_EQ(f.exit_code, c.code) << c.message;
        EXPECT_EQ(f.message, c.message);
    }
}

TEST(Errors, NoAgentVariants) {
    using Kind = xmip::control::ClientError::Kind;
    xmip::control::ClientError e(Kind::NoAgent, "x");
    Target by_path{"/tmp/a.sock", "", false, {}, "/run/xmip"};
    EXPECT_EQ(describe_error(e, by_path, "stats").message,
              "no agent at /tmp/a.sock: the socket does not exist (is xmipd running?)");
    Target stale{"/run/xmip/ha.sock", "ha", true, {"ha"}, "/run/xmip"};
    EXPECT_EQ(describe_error(e, stale, "stats").message,
              "no agent listens on /run/xmip/ha.sock (a socket left by a stopped xmipd?)");
    Target none{"/run/xmip/ha.sock", "ha", false, {}, "/run/xmip"};
    EXPECT_EQ(describe_error(e, none, "stats").message,
              "no agent for instance 'ha': /run/xmip/ha.sock does not exist (no agent runs here: no control "
              "socket in /run/xmip)");
}

TEST(Format, RefreshNamesTheBindingUpdateItSent) {
    json r = json::parse(R"J({"sequence": 18683, "care_of_address": "2001:db8:1000::ff:fe00:4"})J");
    EXPECT_EQ(format_refresh(r), "Binding Update 18683 sent to the home agent from 2001:db8:1000::ff:fe00:4\n");
    EXPECT_EQ(format_refresh(json::parse("[1]")), format_json(json::parse("[1]")));
}

TEST(Format, ReloadShowsWhatWasAppliedAndWhatWaitsForARestart) {
    json r = json::parse(R"J({"reloaded": true, "applied": ["log_level"],
      "kept": ["datapath.max_bindings: 1000 -> 4000 takes a restart (the binding map was sized at start); keeping 1000"],
      "errors": [], "warnings": []})J");
    EXPECT_EQ(format_reload(r),
              "reloaded: 1 changed keys applied\n"
              "  applied: log_level\n"
              "  kept: datapath.max_bindings: 1000 -> 4000 takes a restart (the binding map was sized at start); "
              "keeping 1000\n");
    json bad = json::parse(R"J({"reloaded": false, "applied": [], "kept": [],
      "errors": ["ha.toml:5: datapath.max_bindings: 0 is out of range (1..16777216)"], "warnings": []})J");
    EXPECT_EQ(format_reload(bad),
              "not reloaded: the configuration is kept as it was\n"
              "  error: ha.toml:5: datapath.max_bindings: 0 is out of range (1..16777216)\n");
}
