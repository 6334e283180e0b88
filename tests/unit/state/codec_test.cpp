// SPDX-License-Identifier: BSD-2-Clause
// The state file codec: what is written reads back the same; anything else
// (truncated, corrupt, another version or role) is a clear error, never a
// crash or a half-read state.
#include "state/codec.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace xmip::state {
namespace {

in6_addr A(const char* s) { return *core::parse_addr(s); }

HaState sample_ha() {
    HaState s;
    HaBinding b;
    b.hoa = A("2001:db8:2700::4");
    b.coa = A("2001:db8:1100::200:ff:fe00:4");
    b.ha_addr = A("2001:db8:2700::2");
    b.seq = 65535;
    b.lifetime_s = 600;
    b.registered_ms = 1795000000123;
    b.expires_ms = 1795000600123;
    s.bindings.push_back(b);
    b.hoa = A("2001:db8:2700::5");
    b.seq = 0;
    b.seq_known = false;
    b.lifetime_s = 262140;
    b.expires_ms = b.registered_ms + 262140000;
    s.bindings.push_back(b);
    return s;
}

MnState sample_mn() {
    MnState s;
    s.hoa = A("2001:db8:2700::4");
    s.ha = A("2001:db8:2700::2");
    s.state = "bound";
    s.seq = 4711;
    s.ever_registered = true;
    s.coa = A("2001:db8:1100::200:ff:fe00:4");
    s.visited = core::parse_prefix("2001:db8:1100::/64");
    s.router = A("fe80::ff:fe00:1101");
    s.lifetime_s = 600;
    s.expires_ms = 1795000600123;
    return s;
}

void expect_same(const HaBinding& a, const HaBinding& b) {
    EXPECT_TRUE(core::same_addr(a.hoa, b.hoa));
    EXPECT_TRUE(core::same_addr(a.coa, b.coa));
    EXPECT_TRUE(core::same_addr(a.ha_addr, b.ha_addr));
    EXPECT_EQ(a.seq, b.seq);
    EXPECT_EQ(a.lifetime_s, b.lifetime_s);
    EXPECT_EQ(a.registered_ms, b.registered_ms);
    EXPECT_EQ(a.expires_ms, b.expires_ms);
    EXPECT_EQ(a.seq_known, b.seq_known);
}

TEST(StateCodec, HomeAgentRoundTrip) {
    auto in = sample_ha();
    auto d = decode_ha(encode(in, 1795000700000));
    ASSERT_TRUE(d.value) << d.error;
    ASSERT_EQ(d.value->bindings.size(), 2u);
    expect_same(d.value->bindings[0], in.bindings[0]);
    expect_same(d.value->bindings[1], in.bindings[1]);
}

TEST(StateCodec, HomeAgentEmptyCacheRoundTrip) {
    auto d = decode_ha(encode(HaState{}, 1));
    ASSERT_TRUE(d.value) << d.error;
    EXPECT_TRUE(d.value->bindings.empty());
}

TEST(StateCodec, MobileNodeRoundTrip) {
    auto in = sample_mn();
    auto d = decode_mn(encode(in, 1795000700000));
    ASSERT_TRUE(d.value) << d.error;
    const auto& o = *d.value;
    EXPECT_TRUE(core::same_addr(o.hoa, in.hoa));
    EXPECT_TRUE(core::same_addr(o.ha, in.ha));
    EXPECT_EQ(o.state, "bound");
    EXPECT_EQ(o.seq, 4711);
    EXPECT_TRUE(o.ever_registered);
    ASSERT_TRUE(o.coa && o.visited && o.router && o.expires_ms);
    EXPECT_TRUE(core::same_addr(*o.coa, *in.coa));
    EXPECT_EQ(o.visited->str(), "2001:db8:1100::/64");
    EXPECT_TRUE(core::same_addr(*o.router, *in.router));
    EXPECT_EQ(o.lifetime_s, 600u);
    EXPECT_EQ(*o.expires_ms, 1795000600123);
}

TEST(StateCodec, MobileNodeAtHomeHasNoLocation) {
    MnState s;
    s.hoa = A("2001:db8:2700::4");
    s.ha = A("2001:db8:2700::2");
    s.state = "at-home";
    s.seq = 9;
    auto d = decode_mn(encode(s, 1));
    ASSERT_TRUE(d.value) << d.error;
    EXPECT_FALSE(d.value->coa || d.value->visited || d.value->router || d.value->expires_ms);
    EXPECT_EQ(d.value->seq, 9);
}

TEST(StateCodec, EveryTruncationIsAnErrorNotACrash) {
    const std::string ha = encode(sample_ha(), 1);
    for (size_t n = 0; n + 2 < ha.size(); n++) {  // the last two bytes are "}\n"
        auto d = decode_ha(std::string_view(ha).substr(0, n));
        EXPECT_FALSE(d.value) << "truncated to " << n << " bytes was accepted";
        EXPECT_FALSE(d.error.empty());
    }
    const std::string mn = encode(sample_mn(), 1);
    for (size_t n = 0; n + 2 < mn.size(); n++) EXPECT_FALSE(decode_mn(std::string_view(mn).substr(0, n)).value) << n;
}

TEST(StateCodec, FlippedBytesNeverCrash) {
    // Corruption that still parses may decode (a changed digit is a valid
    // number); what matters is that nothing throws or crashes.
    std::string ha = encode(sample_ha(), 1);
    for (size_t i = 0; i < ha.size(); i++) {
        std::string c = ha;
        c[i] = static_cast<char>(c[i] ^ 0x41);
        auto d = decode_ha(c);
        EXPECT_TRUE(d.value || !d.error.empty());
    }
}

std::string with(const std::string& text, const std::function<void(nlohmann::json&)>& edit) {
    auto j = nlohmann::json::parse(text);
    edit(j);
    return j.dump();
}

TEST(StateCodec, ForeignVersionRoleAndFormatAreNamedInTheError) {
    const std::string ha = encode(sample_ha(), 1);
    auto v2 = decode_ha(with(ha, [](auto& j) { j["version"] = 2; }));
    ASSERT_FALSE(v2.value);
    EXPECT_NE(v2.error.find("version 2"), std::string::npos) << v2.error;
    auto mn = decode_mn(ha);
    ASSERT_FALSE(mn.value);
    EXPECT_NE(mn.error.find("\"ha\""), std::string::npos) << mn.error;
    auto other = decode_ha(with(ha, [](auto& j) { j["format"] = "something-else"; }));
    ASSERT_FALSE(other.value);
    EXPECT_NE(other.error.find("not an xmip state file"), std::string::npos) << other.error;
    EXPECT_FALSE(decode_ha("[]").value);
    EXPECT_FALSE(decode_ha("").value);
    EXPECT_FALSE(decode_ha(std::string("\0\0\0", 3)).value);
}

TEST(StateCodec, BadFieldsAreRefusedWithTheirPlace) {
    const std::string ha = encode(sample_ha(), 1);
    struct Case {
        const char* what;
        std::function<void(nlohmann::json&)> edit;
        const char* expect;
    } cases[] = {
        {"bad address", [](auto& j) { j["bindings"][1]["care_of_address"] = "2001:db8::zz"; }, "bindings[1].care_of_address"},
        {"seq > 16 bits", [](auto& j) { j["bindings"][0]["sequence"] = 65536; }, "bindings[0].sequence"},
        {"negative seq", [](auto& j) { j["bindings"][0]["sequence"] = -1; }, "bindings[0].sequence"},
        {"lifetime too long", [](auto& j) { j["bindings"][0]["lifetime"] = 262141; }, "bindings[0].lifetime"},
        {"string lifetime", [](auto& j) { j["bindings"][0]["lifetime"] = "600"; }, "not an integer"},
        {"missing expiry", [](auto& j) { j["bindings"][0].erase("expires_unix_ms"); }, "expires_unix_ms"},
        {"expiry before registration", [](auto& j) { j["bindings"][0]["expires_unix_ms"] = 5; }, "expires before"},
        {"duplicate home address", [](auto& j) { j["bindings"][1]["home_address"] = "2001:db8:2700::4"; }, "twice"},
        {"bindings not a list", [](auto& j) { j["bindings"] = 3; }, "not an array"},
        {"binding not an object", [](auto& j) { j["bindings"][0] = "x"; }, "not an object"},
    };
    for (const auto& c : cases) {
        auto d = decode_ha(with(ha, c.edit));
        EXPECT_FALSE(d.value) << c.what;
        EXPECT_NE(d.error.find(c.expect), std::string::npos) << c.what << ": " << d.error;
    }
    const std::string mn = encode(sample_mn(), 1);
    auto bound_without_coa = decode_mn(with(mn, [](auto& j) { j["binding_update_list"].erase("care_of_address"); }));
    EXPECT_FALSE(bound_without_coa.value);
    auto bad_state = decode_mn(with(mn, [](auto& j) { j["binding_update_list"]["state"] = "dancing"; }));
    EXPECT_FALSE(bad_state.value);
    EXPECT_NE(bad_state.error.find("dancing"), std::string::npos);
}

}  // namespace
}  // namespace xmip::state
