// SPDX-License-Identifier: BSD-2-Clause
// The fleet members' heartbeat datagram (agent/xmipd/fleet_heartbeat.hpp):
// exact bytes out, and everything else refused on the way in (a forged or
// broken heartbeat must not count as a member heard). The socket and its
// thread are exercised by tests/e2e/agent_fleet_e2e.sh (F3: a dead holder's
// silence moves its address).
#include <gtest/gtest.h>

#include "xmipd/fleet_heartbeat.hpp"

namespace xmip::agent::test {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(FleetHeartbeat, ADatagramIsMagicVersionLengthAndName) {
    EXPECT_EQ(encode_heartbeat("ha2"), (Bytes{'X', 'M', 'H', 'B', 1, 3, 'h', 'a', '2'}));
    EXPECT_EQ(decode_heartbeat(encode_heartbeat("ha2")), "ha2");
    const std::string longest(63, 'm');
    EXPECT_EQ(decode_heartbeat(encode_heartbeat(longest)), longest);
}

TEST(FleetHeartbeat, AnythingElseIsRefused) {
    const Bytes good{'X', 'M', 'H', 'B', 1, 3, 'h', 'a', '2'};
    auto with = [&](size_t i, uint8_t v) {
        Bytes b = good;
        b[i] = v;
        return b;
    };
    EXPECT_FALSE(decode_heartbeat(Bytes{}));
    EXPECT_FALSE(decode_heartbeat(Bytes(good.begin(), good.begin() + 5)));  // no length
    EXPECT_FALSE(decode_heartbeat(with(0, 'Y')));                           // magic
    EXPECT_FALSE(decode_heartbeat(with(4, 2)));                             // a later version
    EXPECT_FALSE(decode_heartbeat(with(5, 0)));                             // no name
    EXPECT_FALSE(decode_heartbeat(with(5, 4)));                             // longer than the datagram
    EXPECT_FALSE(decode_heartbeat(with(5, 2)));                             // trailing bytes
    Bytes too_long{'X', 'M', 'H', 'B', 1, 64};
    too_long.resize(6 + 64, 'm');
    EXPECT_FALSE(decode_heartbeat(too_long));  // above cluster.member's 63
}

}  // namespace
}  // namespace xmip::agent::test
