// SPDX-License-Identifier: BSD-2-Clause
// Decoding never crashes and never accepts what it cannot re-encode: every
// single-byte change of every vector, and random buffers, either fail with
// an error or decode to a message that survives encode -> decode unchanged.
// Run this under -fsanitize=address,undefined (see CMakeLists.txt).
#include <gtest/gtest.h>

#include <random>

#include "hex.hpp"
#include "nd/nd.hpp"
#include "vector_json.hpp"

namespace xmip::nd::test {
namespace {

// Exact-size heap copy so a sanitizer catches any read past the end.
void check_one(const std::vector<uint8_t>& bytes) {
    std::vector<uint8_t> copy(bytes);
    auto m = decode(copy);
    ReceiveInfo rx{*parse_addr("fe80::1"), *parse_addr("ff02::1"), 255};
    (void)validate_received(rx, copy);
    if (!m.ok()) {
        ASSERT_LE(m.error().offset, copy.size()) << describe(m.error());
        return;
    }
    auto again = decode(encode(*m));
    ASSERT_TRUE(again.ok()) << "re-encoding an accepted message broke it: " << describe(again.error());
    ASSERT_TRUE(*again == *m) << dump(*m) << "\nvs\n" << dump(*again);
}

TEST(Robustness, EverySingleByteChangeOfEveryVector) {
    std::size_t cases = 0;
    for (const char* section : {"vectors", "malformed", "rejected"}) {
        for (const auto& c : vectors_file().at(section)) {
            const auto bytes = xmip::test::from_hex(c.at("hex").get<std::string>());
            for (std::size_t i = 0; i < bytes.size(); i++)
                for (uint8_t v : {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x07, 0x08, 0x10, 0x20, 0x40, 0x80, 0x81, 0xfe,
                                  0xff}) {
                    auto mutated = bytes;
                    mutated[i] = v;
                    check_one(mutated);
                    if (HasFatalFailure()) {
                        ADD_FAILURE() << c.at("name") << " byte " << i << " = " << int(v);
                        return;
                    }
                    cases++;
                }
        }
    }
    EXPECT_GT(cases, 10000u);
}

TEST(Robustness, RandomBuffersOfEveryHandledType) {
    std::mt19937 rng(6275);  // fixed seed: reproducible
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> length(0, 120);
    const uint8_t types[] = {133, 134, 135, 136, 144, 145, 146, 147, 137, 1, 128};
    for (int round = 0; round < 20000; round++) {
        std::vector<uint8_t> b(static_cast<std::size_t>(length(rng)));
        for (auto& x : b) x = static_cast<uint8_t>(byte(rng));
        if (!b.empty()) b[0] = types[round % std::size(types)];
        // Keep option lengths small and often valid, so deep paths are reached.
        for (std::size_t i = 9; i < b.size(); i += 8) b[i] = static_cast<uint8_t>(b[i] % 6);
        check_one(b);
        if (HasFatalFailure()) {
            ADD_FAILURE() << "round " << round << ": " << xmip::test::to_hex(b.data(), b.size());
            return;
        }
    }
}

TEST(Robustness, EmptyAndTinyBuffers) {
    for (std::size_t n = 0; n < 4; n++) {
        std::vector<uint8_t> b(n, 134);
        auto m = decode(b);
        ASSERT_FALSE(m.ok());
        EXPECT_EQ(m.error().code, Errc::truncated);
        EXPECT_FALSE(validate_received({}, b).ok());
    }
    EXPECT_EQ(icmpv6_checksum({}, {}, {}), static_cast<uint16_t>(~58 & 0xffff));
}

}  // namespace
}  // namespace xmip::nd::test
