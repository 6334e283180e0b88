// SPDX-License-Identifier: BSD-2-Clause
// Result<T, E>: a value or an error saying what was wrong and where. Input
// from the network is parsed into these: bad input is an ordinary outcome,
// not an exception. One template for every codec (mh::Result, nd::Result are
// this with their own Error); the subset of C++23 std::expected the codecs
// need, which GCC 12 lacks.
#pragma once

#include <optional>
#include <utility>
#include <variant>

namespace xmip::core {

template <class T, class E>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Result(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    // Precondition ok(); otherwise std::bad_variant_access (a programming error).
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    // Precondition !ok().
    const E& error() const { return std::get<1>(v_); }

private:
    std::variant<T, E> v_;
};

// Success or an error, for checks that produce nothing.
template <class E>
class [[nodiscard]] Result<void, E> {
public:
    Result() = default;
    Result(E error) : e_(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const noexcept { return !e_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    // Precondition !ok().
    const E& error() const { return e_.value(); }

private:
    std::optional<E> e_;
};

}  // namespace xmip::core
