// SPDX-License-Identifier: BSD-2-Clause
// Reading raw settings: the TOML form, the legacy network-mip6.conf form and
// command-line overrides, each checked against the schema (unknown keys,
// types) before validate() looks at the values.
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "detail.hpp"

namespace xmip::config {

using namespace detail;

namespace {

constexpr int64_t kMaxOverrideIndex = 4096;

const char* toml_type_name(toml::node_type t) {
    switch (t) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "nothing";
    }
}

// "a string (\"65536\")": the type, and the value when it is short to show.
std::string describe(const toml::node& n) {
    std::string r = toml_type_name(n.type());
    if (auto s = n.as_string()) {
        r += " (" + quote(s->get()) + ")";
    } else if (auto i = n.as_integer()) {
        r += " (" + std::to_string(i->get()) + ")";
    } else if (auto f = n.as_floating_point()) {
        std::ostringstream o;
        o << f->get();
        r += " (" + o.str() + ")";
    } else if (auto b = n.as_boolean()) {
        r += b->get() ? " (true)" : " (false)";
    }
    return r;
}

// Where a network-mip6.conf setting went in the TOML form, for people who
// paste one into a .toml file.
const char* legacy_equivalent(std::string_view key) {
    if (key == "FUNCTIONALITY") return "role";
    if (key == "DEBUGLEVEL") return "log_level";
    if (key == "HOMEADDRESS") return "mobile_node.home_address";
    if (key == "HOMEAGENT") return "mobile_node.home_agent (or home_agent.address)";
    return nullptr;
}

Diagnostic unknown_key(const std::string& file, unsigned line, const std::string& table,
                       const std::string& key, bool is_table) {
    std::string path = table.empty() ? key : table + "." + key;
    auto allowed = children(table);
    std::string allowed_text = (table.empty() ? "allowed at the top level: " : "allowed in [" + table + "]: ") +
                               join(allowed);
    std::string what = is_table ? "unknown table" : "unknown key";
    std::string msg;
    if (table.empty() && key == "security") {
        msg = what + "; authentication is configured in [home_agent.authentication], "
                     "[[home_agent.security_associations]] and [mobile_node.authentication]";
    } else if (auto c = closest(key, allowed)) {
        msg = what + "; did you mean " + quote(*c) + "?";
    } else {
        std::vector<std::string> elsewhere;
        for (const auto& k : schema())
            if (leaf_of(k.path) == key && parent_of(k.path) != table) elsewhere.emplace_back(k.path);
        if (!elsewhere.empty()) {
            msg = what + "; did you mean " + join(elsewhere, " or ") + "?";
        } else if (table.empty() && legacy_equivalent(key)) {
            msg = what + "; " + key + " is a network-mip6.conf setting, here it is " + legacy_equivalent(key);
        } else if (table.empty() && std::find(legacy_keys().begin(), legacy_keys().end(), key) != legacy_keys().end()) {
            msg = what + "; " + key + " is a network-mip6.conf setting without meaning in xmip";
        } else {
            msg = what + "; " + allowed_text;
        }
    }
    return {file, line, path, msg};
}

struct TomlReader {
    const std::string& file;
    std::map<std::string, Settings::Entry>& entries;
    std::map<std::string, unsigned>& tables;
    std::vector<Diagnostic>& errors;

    // prefix: the table's schema path; label: its name in entries (they
    // differ inside an array of tables: "x.y" and "x.y[2]").
    void walk(const toml::table& t, const std::string& prefix, std::string label = "") {
        if (label.empty()) label = prefix;
        for (auto&& [k, node] : t) {
            std::string key(k.str());
            unsigned line = k.source().begin.line;
            std::string schema_path = prefix.empty() ? key : prefix + "." + key;
            std::string path = label.empty() ? key : label + "." + key;
            const KeyInfo* info = key.find('.') == std::string::npos ? find_key(schema_path) : nullptr;
            if (!info) {
                errors.push_back(unknown_key(file, line, prefix, key, node.is_table()));
                continue;
            }
            if (info->kind == KeyKind::TableArray) {
                auto arr = node.as_array();
                if (!arr || !arr->is_array_of_tables()) {
                    errors.push_back({file, line, path,
                                      std::string("expected an array of tables ([[") + schema_path + "]]), got " +
                                          describe(node)});
                    entries[path] = Settings::Entry{std::monostate{}, file, line, path};
                    continue;
                }
                for (size_t i = 0; i < arr->size(); i++) {
                    const toml::table& el = *arr->get(i)->as_table();
                    std::string el_label = path + "[" + std::to_string(i) + "]";
                    unsigned el_line = el.source().begin.line ? el.source().begin.line : line;
                    tables[el_label] = el_line;
                    walk(el, schema_path, el_label);
                }
                entries[path] = Settings::Entry{int64_t(arr->size()), file, line, path};
                continue;
            }
            if (info->kind == KeyKind::Table) {
                if (auto sub = node.as_table()) {
                    tables[path] = line;
                    walk(*sub, schema_path, path);
                } else {
                    errors.push_back({file, line, path, std::string("expected a table, got ") + describe(node)});
                    entries[path] = Settings::Entry{std::monostate{}, file, line, path};
                }
                continue;
            }
            read_value(node, *info, path, line);
        }
    }

    void read_value(const toml::node& node, const KeyInfo& info, const std::string& path, unsigned line) {
        auto broken = [&] { entries[path] = Settings::Entry{std::monostate{}, file, line, path}; };
        auto mismatch = [&] {
            errors.push_back({file, line, path,
                              std::string("expected ") + kind_name(info.kind) + ", got " + describe(node)});
            broken();
        };
        Settings::Entry e{{}, file, line, path};
        switch (info.kind) {
        case KeyKind::String:
            if (auto s = node.as_string()) e.value = s->get();
            else return mismatch();
            break;
        case KeyKind::Integer:
            if (auto i = node.as_integer()) e.value = i->get();
            else return mismatch();
            break;
        case KeyKind::Boolean:
            if (auto b = node.as_boolean()) e.value = b->get();
            else return mismatch();
            break;
        case KeyKind::StringList: {
            auto arr = node.as_array();
            if (!arr) return mismatch();
            std::vector<Settings::Item> items;
            bool ok = true;
            for (size_t i = 0; i < arr->size(); i++) {
                const toml::node& el = *arr->get(i);
                unsigned el_line = el.source().begin.line ? el.source().begin.line : line;
                if (auto s = el.as_string()) {
                    items.push_back({s->get(), el_line});
                } else {
                    errors.push_back({file, el_line, path + "[" + std::to_string(i) + "]",
                                      "expected a string, got " + describe(el)});
                    ok = false;
                }
            }
            if (!ok) return broken();
            e.value = std::move(items);
            break;
        }
        case KeyKind::Table:
        case KeyKind::TableArray: return;
        }
        entries[path] = std::move(e);
    }
};

std::string syntax_message(std::string_view description) {
    constexpr std::string_view prefix = "Error while parsing ";
    if (description.substr(0, prefix.size()) == prefix)
        return "syntax error while parsing " + std::string(description.substr(prefix.size()));
    return "syntax error: " + std::string(description);
}

bool is_shell_name(std::string_view k) {
    if (k.empty() || std::isdigit(static_cast<unsigned char>(k[0]))) return false;
    return std::all_of(k.begin(), k.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string_view strip_export(std::string_view t) {
    constexpr std::string_view ex = "export";
    if (t.substr(0, ex.size()) == ex && t.size() > ex.size() &&
        std::isspace(static_cast<unsigned char>(t[ex.size()])))
        return trim(t.substr(ex.size()));
    return t;
}

// Every line that sets something is an upper-case shell assignment, and one
// at least does: the network-mip6.conf form.
bool looks_legacy(std::string_view text) {
    bool any = false;
    std::istringstream in{std::string(text)};
    std::string raw;
    while (std::getline(in, raw)) {
        std::string_view t = trim(raw);
        if (t.empty() || t[0] == '#') continue;
        t = strip_export(t);
        auto eq = t.find('=');
        if (eq == std::string_view::npos || eq == 0) return false;
        auto key = trim(t.substr(0, eq));
        if (!is_shell_name(key) ||
            std::any_of(key.begin(), key.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); }))
            return false;
        any = true;
    }
    return any;
}

std::optional<int64_t> parse_int(std::string_view s) {
    s = trim(s);
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
}

}  // namespace

// ---------------------------------------------------------------------------

Settings Settings::parse_toml(std::string_view text, std::string name) {
    Settings s;
    s.name_ = std::move(name);
    s.format_ = Format::Toml;
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(s.name_));
    } catch (const toml::parse_error& e) {
        s.errors_.push_back({s.name_, e.source().begin.line, "", syntax_message(e.description())});
        s.fatal_ = true;
        return s;
    }
    TomlReader{s.name_, s.file_entries_, s.file_tables_, s.errors_}.walk(root, "");
    return s;
}

Settings Settings::parse_legacy(std::string_view text, std::string name) {
    Settings s;
    s.name_ = std::move(name);
    s.format_ = Format::Legacy;
    std::istringstream in{std::string(text)};
    std::string raw;
    unsigned n = 0;
    std::map<std::string, unsigned> seen;
    while (std::getline(in, raw)) {
        n++;
        std::string_view t = trim(raw);
        if (t.empty() || t[0] == '#') continue;
        t = strip_export(t);
        auto eq = t.find('=');
        if (eq == std::string_view::npos) {
            s.errors_.push_back({s.name_, n, "", "expected KEY=VALUE, got " + quote(t)});
            continue;
        }
        std::string key(trim(t.substr(0, eq)));
        std::string_view rest = trim(t.substr(eq + 1));
        if (!is_shell_name(key)) {
            s.errors_.push_back({s.name_, n, "", quote(key) + " is not a setting name"});
            continue;
        }
        // The value: quoted ('...' or "..." with \" and \\), or a word; then
        // nothing but an optional comment.
        std::string value;
        std::string_view after;
        if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
            char q = rest[0];
            size_t i = 1;
            bool closed = false;
            for (; i < rest.size(); i++) {
                if (q == '"' && rest[i] == '\\' && i + 1 < rest.size() &&
                    (rest[i + 1] == '"' || rest[i + 1] == '\\' || rest[i + 1] == '$' || rest[i + 1] == '`')) {
                    value += rest[++i];
                } else if (rest[i] == q) {
                    closed = true;
                    break;
                } else {
                    value += rest[i];
                }
            }
            if (!closed) {
                s.errors_.push_back({s.name_, n, key, "unterminated quote"});
                continue;
            }
            after = trim(rest.substr(i + 1));
        } else {
            size_t end = 0;
            while (end < rest.size() && !std::isspace(static_cast<unsigned char>(rest[end]))) end++;
            value = std::string(rest.substr(0, end));
            after = trim(rest.substr(end));
        }
        if (!after.empty() && after[0] != '#') {
            s.errors_.push_back({s.name_, n, key,
                                 "unexpected text after the value: " + quote(after) +
                                     " (quote values that contain spaces)"});
            continue;
        }
        const auto& known = legacy_keys();
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            std::string msg = "unknown key; ";
            if (auto c = closest(key, known)) msg += "did you mean " + quote(*c) + "?";
            else msg += "network-mip6.conf settings are " + join(known);
            s.errors_.push_back({s.name_, n, key, msg});
            continue;
        }
        if (auto it = seen.find(key); it != seen.end()) {
            s.warnings_.push_back({s.name_, n, key,
                                   "set again (first on line " + std::to_string(it->second) +
                                       "); the last value is used"});
            std::erase_if(s.legacy_, [&](const LegacyLine& l) { return l.key == key; });
        }
        seen[key] = n;
        s.legacy_.push_back({key, value, n});
    }
    return s;
}

Settings Settings::parse(std::string_view text, std::string name, Format format) {
    if (format == Format::Auto) {
        bool toml_name = name.size() >= 5 && name.compare(name.size() - 5, 5, ".toml") == 0;
        format = !toml_name && looks_legacy(text) ? Format::Legacy : Format::Toml;
    }
    return format == Format::Legacy ? parse_legacy(text, std::move(name)) : parse_toml(text, std::move(name));
}

Settings Settings::read_file(const std::filesystem::path& path, Format format) {
    auto fail = [&](std::string why) {
        Settings s;
        s.name_ = path.string();
        s.format_ = format;
        s.errors_.push_back({s.name_, 0, "", "cannot read the file: " + why});
        s.fatal_ = true;
        return s;
    };
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return fail(std::strerror(EISDIR));
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(std::strerror(errno ? errno : ENOENT));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return fail(std::strerror(errno ? errno : EIO));
    return parse(buf.str(), path.string(), format);
}

bool Settings::apply_override(std::string_view key_text, std::string_view value_text) {
    std::string key(trim(key_text));
    std::string_view value = trim(value_text);
    auto fail = [&](std::string msg) {
        errors_.push_back({"override", 0, key, std::move(msg)});
        return false;
    };
    // "array[N].field": one key of the N-th [[array]] table (the tables a
    // file has, then new ones), so a legacy file can name its security
    // associations: home_agent.security_associations[0].key_file=/etc/...
    std::string schema_key = key;
    if (auto open = key.find('['); open != std::string::npos) {
        auto close = key.find("].", open);
        std::string array = key.substr(0, open);
        const KeyInfo* a = find_key(array);
        if (!a || a->kind != KeyKind::TableArray)
            return fail("only an array of tables takes an index (" + std::string("home_agent.security_associations[0].spi=...)"));
        auto index = close == std::string::npos ? std::nullopt
                                                : parse_int(std::string_view(key).substr(open + 1, close - open - 1));
        if (!index || *index < 0 || *index >= kMaxOverrideIndex)
            return fail("expected " + array + "[N].key with N from 0 to " + std::to_string(kMaxOverrideIndex - 1));
        schema_key = array + "." + key.substr(close + 2);
        const KeyInfo* field = find_key(schema_key);
        if (!field || parent_of(schema_key) != array)
            return fail("unknown key; a [[" + array + "]] table holds " + join(children(array)));
        key = array + "[" + std::to_string(*index) + "]." + key.substr(close + 2);
    }
    const KeyInfo* info = find_key(schema_key);
    if (!info) {
        std::vector<std::string> all;
        for (const auto& k : schema())
            if (k.kind != KeyKind::Table) all.emplace_back(k.path);
        if (auto c = closest(key, all)) return fail("unknown key; did you mean " + quote(*c) + "?");
        std::vector<std::string> elsewhere;
        for (const auto& k : all)
            if (leaf_of(k) == leaf_of(key)) elsewhere.push_back(k);
        if (!elsewhere.empty()) return fail("unknown key; did you mean " + join(elsewhere, " or ") + "?");
        return fail("unknown key (keys are written as in the TOML form: table.key)");
    }
    const KeyInfo* parent = find_key(parent_of(schema_key));
    if (schema_key == key && (info->kind == KeyKind::TableArray || (parent && parent->kind == KeyKind::TableArray)))
        return fail("is set per [[" + std::string(info->kind == KeyKind::TableArray ? key : parent_of(key)) +
                    "]] table; override one table's key as " +
                    std::string(info->kind == KeyKind::TableArray ? key : parent_of(key)) + "[N]." +
                    std::string(info->kind == KeyKind::TableArray ? "spi" : leaf_of(key)) + "=...");
    Entry e{{}, "override", 0, key};
    switch (info->kind) {
    case KeyKind::TableArray:
    case KeyKind::Table:
        return fail("is a table; set one of its keys: " + join(children(key)));
    case KeyKind::String:
        e.value = std::string(value);
        break;
    case KeyKind::Integer: {
        auto v = parse_int(value);
        if (!v) return fail("expected an integer, got " + quote(value));
        e.value = *v;
        break;
    }
    case KeyKind::Boolean: {
        std::string v = lower(value);
        if (v == "true" || v == "yes" || v == "on" || v == "1") e.value = true;
        else if (v == "false" || v == "no" || v == "off" || v == "0") e.value = false;
        else return fail("expected true or false, got " + quote(value));
        break;
    }
    case KeyKind::StringList: {
        std::vector<Item> items;
        if (!value.empty()) {
            size_t start = 0;
            while (true) {
                auto comma = value.find(',', start);
                auto part = trim(value.substr(start, comma == std::string_view::npos ? comma : comma - start));
                if (part.empty()) return fail("empty element in " + quote(value) + " (elements are separated by commas)");
                items.push_back({std::string(part), 0});
                if (comma == std::string_view::npos) break;
                start = comma + 1;
            }
        }
        e.value = std::move(items);
        break;
    }
    }
    overrides_[key] = std::move(e);
    return true;
}

bool Settings::apply_override(std::string_view assignment) {
    auto eq = assignment.find('=');
    if (eq == std::string_view::npos) {
        errors_.push_back({"override", 0, "", "expected key=value, got " + quote(assignment)});
        return false;
    }
    return apply_override(assignment.substr(0, eq), assignment.substr(eq + 1));
}

// The settings as dotted keys: the TOML file's, or the legacy file's mapped
// onto the TOML keys (labelled with the legacy name), then the overrides.
std::map<std::string, Settings::Entry> Settings::effective_entries(std::vector<Diagnostic>& errors,
                                                                  std::vector<Diagnostic>& warnings) const {
    std::map<std::string, Entry> m = file_entries_;
    if (format_ == Format::Legacy) {
        // The role decides where HOMEADDRESS and HOMEAGENT go; an override wins.
        std::string role;
        for (const auto& l : legacy_)
            if (l.key == "FUNCTIONALITY") role = lower(l.value);
        if (auto it = overrides_.find("role"); it != overrides_.end())
            if (auto s = std::get_if<std::string>(&it->second.value)) role = *s;

        for (const auto& l : legacy_) {
            auto put = [&](const std::string& key, Value v) { m[key] = Entry{std::move(v), name_, l.line, l.key}; };
            auto warn = [&](std::string msg) { warnings.push_back({name_, l.line, l.key, std::move(msg)}); };
            if (l.key == "FUNCTIONALITY") {
                put("role", lower(l.value));
            } else if (l.key == "DEBUGLEVEL") {
                auto v = parse_int(l.value);
                if (!v || *v < 0)
                    errors.push_back({name_, l.line, l.key,
                                      quote(l.value) + " is not a debug level (0 = errors only, 1 = info, 2 or more = debug)"});
                else
                    put("log_level", std::string(*v == 0 ? "error" : *v == 1 ? "info" : "debug"));
            } else if (l.key == "HOMEADDRESS") {
                if (role == "ha") warn("ignored: a home agent has no home address (this is the mobile node's setting)");
                else if (role == "mn") put("mobile_node.home_address", l.value);
                else if (role == "cn")
                    warn("ignored: a correspondent has no home address (this is the mobile node's setting)");
            } else if (l.key == "HOMEAGENT") {
                // "address" or "address/prefix-length".
                auto slash = l.value.find('/');
                std::string addr = l.value.substr(0, slash);
                std::optional<Prefix> prefix;
                if (slash != std::string::npos) {
                    prefix = Prefix::parse(l.value);
                    if (!prefix) {
                        errors.push_back({name_, l.line, l.key,
                                          quote(l.value) + " is not an IPv6 address with an optional /prefix-length"});
                        continue;
                    }
                }
                if (role == "mn") {
                    put("mobile_node.home_agent", addr);
                } else if (role == "ha") {
                    put("home_agent.address", addr);
                    if (prefix) put("home_agent.prefixes", std::vector<Item>{{prefix->network().str(), l.line}});
                } else if (role == "cn") {
                    warn(
                        "ignored: a correspondent needs no home agent (route optimisation talks to the mobile node's "
                        "care-of address)");
                }
            } else if (l.key == "HOMEDEV") {
                warn("ignored: " + quote(l.value) +
                     " names MIPL's tunnel device; xmip tunnels in eBPF and creates no device" +
                     (role == "mn" ? " (mobile_node.interface is the physical interface the node moves with)" : ""));
            } else if (l.key == "MIN_TUNNEL_NR" || l.key == "MAX_TUNNEL_NR") {
                warn("ignored: xmip creates no tunnel devices (its tunnels are entries of a BPF map, "
                     "sized by datapath.max_bindings)");
            } else if (l.key == "ACCEPT_RETURN_ROUTABILITY") {
                // The guide's FAQ 4 switch (MIPL's sysctl
                // net.ipv6.mobility.accept_return_routability), as a line.
                if (l.value != "0" && l.value != "1")
                    errors.push_back({name_, l.line, l.key, quote(l.value) + " is not 0 or 1"});
                else if (role == "mn")
                    put("mobile_node.route_optimization", l.value == "1");
                else
                    warn(
                        "ignored: route optimisation is the mobile node's switch here (a correspondent has "
                        "correspondent.enabled)");
            } else if (l.key == "TUNNEL_SITELOCAL") {
                warn("ignored: xmip tunnels any unicast address; site-local addresses (fec0::/10) are "
                     "deprecated (RFC 3879)");
            }
        }
    }
    for (const auto& [k, e] : overrides_) {
        m[k] = e;
        // array[N].key: the array holds at least N + 1 tables.
        auto open = k.find('[');
        if (open == std::string::npos) continue;
        std::string array = k.substr(0, open);
        int64_t n = std::stoll(k.substr(open + 1)) + 1;
        auto it = m.find(array);
        if (it == m.end()) m[array] = Entry{n, "override", 0, array};
        else if (auto count = std::get_if<int64_t>(&it->second.value); count && *count < n) *count = n;
    }
    return m;
}

std::map<std::string, std::string> Settings::values() const {
    auto text = [](const Value& v) -> std::string {
        if (auto b = std::get_if<bool>(&v)) return *b ? "true" : "false";
        if (auto i = std::get_if<int64_t>(&v)) return std::to_string(*i);
        if (auto s = std::get_if<std::string>(&v)) return *s;
        if (auto l = std::get_if<std::vector<Item>>(&v)) {
            std::string r;
            for (const auto& item : *l) r += (r.empty() ? "" : ",") + item.text;
            return r;
        }
        return "";
    };
    std::map<std::string, std::string> r;
    for (const auto& [k, e] : file_entries_) r[k] = text(e.value);
    for (const auto& [k, e] : overrides_) r[k] = text(e.value);
    return r;
}

}  // namespace xmip::config
