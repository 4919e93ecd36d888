#include "sim/scenario/call_syntax.hpp"

#include "sim/scenario/reader.hpp"
#include "sim/scenario/suggest.hpp"

namespace clocksim::scenario {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

namespace {
bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_identifier(std::string_view s) {
  if (s.empty() || !is_ident_start(s.front())) return false;
  for (char c : s) {
    if (!is_ident_char(c)) return false;
  }
  return true;
}
}  // namespace

Call parse_call(std::string_view text, const yaml::Node& node, const std::string& path, const std::string& expected) {
  text = trim(text);
  const std::string got = ", got '" + node.text + "'";
  Call call;
  const auto paren = text.find('(');
  const std::string_view name = trim(text.substr(0, paren));
  if (!is_identifier(name)) fail_at(node, path, "expected " + expected + got);
  call.name = std::string(name);
  if (paren == std::string_view::npos) return call;
  call.has_parens = true;
  if (text.back() != ')') fail_at(node, path, "missing ')' at the end of '" + node.text + "'; expected " + expected);
  std::string_view inner = text.substr(paren + 1, text.size() - paren - 2);
  if (inner.find_first_of("()") != std::string_view::npos) {
    fail_at(node, path, "unexpected parenthesis inside '" + node.text + "'; expected " + expected);
  }
  if (trim(inner).empty()) return call;
  std::size_t start = 0;
  while (start <= inner.size()) {
    std::size_t comma = inner.find(',', start);
    if (comma == std::string_view::npos) comma = inner.size();
    const std::string_view raw = trim(inner.substr(start, comma - start));
    if (raw.empty()) fail_at(node, path, "empty argument in '" + node.text + "'; expected " + expected);
    CallArg arg;
    const auto eq = raw.find('=');
    if (eq != std::string_view::npos) {
      const std::string_view key = trim(raw.substr(0, eq));
      if (!is_identifier(key)) fail_at(node, path, "bad argument name '" + std::string(key) + "' in '" + node.text + "'");
      arg.name = std::string(key);
      arg.value = std::string(trim(raw.substr(eq + 1)));
      if (arg.value.empty()) fail_at(node, path, "argument '" + arg.name + "' has no value in '" + node.text + "'");
    } else {
      arg.value = std::string(raw);
    }
    call.args.push_back(std::move(arg));
    start = comma + 1;
  }
  return call;
}

std::string signature(const std::string& name, const std::vector<std::string>& params) {
  return name + "(" + join(params) + ")";
}

std::vector<std::optional<std::string>> bind_args(const Call& call, const std::vector<std::string>& params,
                                                  std::size_t required, const yaml::Node& node,
                                                  const std::string& path) {
  const std::string sig = signature(call.name, params);
  std::vector<std::optional<std::string>> out(params.size());
  bool named_seen = false;
  std::size_t next = 0;
  for (const auto& arg : call.args) {
    if (arg.name.empty()) {
      if (named_seen) fail_at(node, path, "positional argument after a named one in '" + node.text + "'; expected " + sig);
      if (next >= params.size()) {
        fail_at(node, path, "too many arguments in '" + node.text + "'; expected " + sig);
      }
      out[next++] = arg.value;
      continue;
    }
    named_seen = true;
    std::size_t i = 0;
    while (i < params.size() && params[i] != arg.name) ++i;
    if (i == params.size()) {
      fail_at(node, path, "unknown argument '" + arg.name + "'" + did_you_mean(arg.name, params) + " in '" +
                              node.text + "'; expected " + sig);
    }
    if (out[i]) fail_at(node, path, "argument '" + arg.name + "' given twice in '" + node.text + "'");
    out[i] = arg.value;
  }
  for (std::size_t i = 0; i < required; ++i) {
    if (!out[i]) fail_at(node, path, "missing argument '" + params[i] + "' in '" + node.text + "'; expected " + sig);
  }
  return out;
}

}  // namespace clocksim::scenario
