// SPDX-License-Identifier: BSD-2-Clause
#include "mh/format.hpp"

#include "core/in6.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <type_traits>

namespace xmip::mh {
namespace {

std::string hex(const uint8_t* p, size_t n) {
    std::string s;
    char b[3];
    for (size_t i = 0; i < n; i++) {
        std::snprintf(b, sizeof b, "%02x", p[i]);
        s += b;
    }
    return s;
}

template <class C>
std::string hex(const C& c) {
    return hex(c.data(), c.size());
}

std::string options_string(const Options& options) {
    std::string s;
    for (const auto& o : options) s += " " + to_string(o);
    return s;
}

}  // namespace

std::string format_address(const in6_addr& a) { return core::to_string(a); }

std::string to_string(const Option& o) {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, BindingRefreshAdvice>)
                return "bra(" + std::to_string(v.interval) + ")";
            else if constexpr (std::is_same_v<T, AlternateCareOfAddress>)
                return "altcoa(" + format_address(v.address) + ")";
            else if constexpr (std::is_same_v<T, NonceIndices>)
                return "nonces(" + std::to_string(v.home_nonce_index) + "," +
                       std::to_string(v.care_of_nonce_index) + ")";
            else if constexpr (std::is_same_v<T, BindingAuthorizationData>)
                return "bad(" + hex(v.authenticator) + ")";
            else if constexpr (std::is_same_v<T, Authentication>)
                return "auth(subtype " + std::to_string(v.subtype) + " spi " + std::to_string(v.spi) +
                       " " + hex(v.authenticator) + ")";
            else if constexpr (std::is_same_v<T, ReplayProtection>)
                return "replay(" + std::to_string(v.timestamp) + ")";
            else
                return "opt" + std::to_string(v.type) + "(" + hex(v.data) + ")";
        },
        o);
}

std::string to_string(const Message& m) {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            std::string s;
            if constexpr (std::is_same_v<T, BindingRefreshRequest>)
                s = "BRR";
            else if constexpr (std::is_same_v<T, HomeTestInit>)
                s = "HoTI cookie " + hex(v.cookie);
            else if constexpr (std::is_same_v<T, CareOfTestInit>)
                s = "CoTI cookie " + hex(v.cookie);
            else if constexpr (std::is_same_v<T, HomeTest> || std::is_same_v<T, CareOfTest>)
                s = std::string(std::is_same_v<T, HomeTest> ? "HoT" : "CoT") + " index " +
                    std::to_string(v.nonce_index) + " cookie " + hex(v.cookie) + " token " +
                    hex(v.keygen_token);
            else if constexpr (std::is_same_v<T, BindingUpdate>) {
                char f[8];
                std::snprintf(f, sizeof f, "%04x", v.flags);
                s = "BU seq " + std::to_string(v.sequence) + " flags " + f + " lifetime " +
                    std::to_string(v.lifetime_seconds()) + "s";
            } else if constexpr (std::is_same_v<T, BindingAck>) {
                char f[4];
                std::snprintf(f, sizeof f, "%02x", v.flags);
                s = "BA status " + std::to_string(v.status) + " flags " + f + " seq " +
                    std::to_string(v.sequence) + " lifetime " + std::to_string(v.lifetime_seconds()) + "s";
            } else
                s = "BE status " + std::to_string(v.status) + " home " + format_address(v.home_address);
            return s + options_string(v.options);
        },
        m);
}

}  // namespace xmip::mh
