#include "sim/sweep/sweep_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>

#include "config/error.hpp"
#include "config/file.hpp"
#include "config/reader.hpp"
#include "sim/run/float_environment.hpp"

namespace clocksim::sweep {
namespace {

class Parser {
 public:
  // `tree` is the file as config/ reads it, which knows every key's place.
  Parser(std::string display_name, std::string base_dir, const config::yaml::Node& tree)
      : file_(std::move(display_name)), base_dir_(std::move(base_dir)), tree_(tree) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key_path, const std::string& message) const {
    const YAML::Mark mark = node.Mark();
    // yaml-cpp marks are 0-based; a null mark (-1) means "no position".
    const bool has_position = mark.line >= 0 && mark.column >= 0;
    throw SweepError(file_, has_position ? mark.line + 1 : 0, has_position ? mark.column + 1 : 0, key_path,
                     message);
  }

  SweepSpec parse(const YAML::Node& root) {
    if (!root.IsMap()) fail(root, "", "expected a mapping with keys base, matrix and optionally set, seeds, name");
    SweepSpec spec;
    spec.source_file = file_;
    check_keys(tree_, "", {"name", "description", "base", "set", "matrix", "seeds", "traces"});
    if (const YAML::Node name = root["name"]) {
      spec.name = scalar(name, "name");
      if (const auto c = config::find_control_character(spec.name, false)) {
        fail(name, "name", "a sweep name may not hold a control character, found " +
                               config::describe_control_character(*c));
      }
    }
    if (const YAML::Node description = root["description"]) {
      // Never printed by clocksim, but read by people and their tools: the same text a
      // scenario's description may hold.
      if (const auto c = config::find_control_character(scalar(description, "description"), true)) {
        fail(description, "description", "a description may not hold a control character other than a line break "
                                         "or a tab, found " + config::describe_control_character(*c));
      }
    }
    spec.base_scenario = parse_base(root);
    if (const YAML::Node set = root["set"]) parse_set(set, spec);
    if (const YAML::Node traces = root["traces"]) {
      const std::string text = scalar(traces, "traces");
      if (text != "true" && text != "false") fail(traces, "traces", "expected true or false, found '" + text + "'");
      spec.traces = text == "true";
    }
    spec.matrix = parse_matrix(root);
    if (const YAML::Node seeds = root["seeds"]) spec.seeds = parse_seeds(seeds);
    std::uint64_t runs = spec.seeds.empty() ? 1 : spec.seeds.size();
    for (const SweepParameter& p : spec.matrix) {
      runs *= p.values.size();
      if (runs > kMaxSweepRuns) {
        fail(root["matrix"], "matrix", "the sweep has more than " + std::to_string(kMaxSweepRuns) +
                                           " runs; split it into several sweeps");
      }
    }
    return spec;
  }

 private:
  // As every configuration file's keys are checked (config/reader.hpp): each unknown key, with a
  // suggestion. Keys that are not plain names, and repeated ones, the reader has refused already.
  void check_keys(const config::yaml::Node& map, const std::string& path, const std::vector<std::string>& allowed) const {
    try {
      config::check_keys(map, path, allowed);
    } catch (const config::ConfigError& e) {
      throw SweepError(e);
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& path) const {
    if (!node.IsScalar()) fail(node, path, "expected a single value");
    return node.Scalar();
  }

  // A matrix or set value as --set takes it: scalars verbatim, lists and maps in flow form.
  std::string value_text(const YAML::Node& node, const std::string& path) const {
    if (node.IsScalar()) return node.Scalar();
    if (node.IsNull()) fail(node, path, "expected a value, found nothing");
    YAML::Emitter emitter;
    emitter << YAML::Flow << node;
    return emitter.c_str();
  }

  std::string parse_base(const YAML::Node& root) const {
    const YAML::Node base = root["base"];
    if (!base) fail(root, "base", "missing key: the scenario file this sweep varies");
    std::filesystem::path path = scalar(base, "base");
    if (path.empty()) fail(base, "base", "expected a scenario file path");
    if (path.is_relative() && !base_dir_.empty()) path = std::filesystem::path(base_dir_) / path;
    if (std::error_code error; !std::filesystem::is_regular_file(path, error)) {
      fail(base, "base", (std::filesystem::exists(path, error) ? "not a regular file: " : "no such scenario file: ") +
                             path.lexically_normal().string());
    }
    return path.lexically_normal().string();
  }

  static SweepOrigin origin(const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0 || mark.column < 0) return {};
    return {mark.line + 1, mark.column + 1};
  }

  // Whether runs keep trace.csv has one knob, `traces:` (or --traces): a parameter setting
  // output.trace too would be overridden by it, or override it, without a word.
  void refuse_trace_choice(const YAML::Node& key_node, const std::string& path, const YAML::Node& value,
                           const std::string& key_path) const {
    const bool names_trace = path == "output.trace" || (path == "output" && value.IsMap() && value["trace"]);
    if (names_trace) {
      fail(key_node, key_path,
           "whether runs keep trace.csv is chosen by the sweep's `traces:` key (or --traces), not by output.trace; "
           "write `traces: true` to keep them");
    }
  }

  void parse_set(const YAML::Node& set, SweepSpec& spec) const {
    if (!set.IsMap()) fail(set, "set", "expected a mapping of parameter path -> value");
    for (const auto& kv : set) {
      const std::string key = kv.first.Scalar();
      refuse_trace_choice(kv.first, key, kv.second, "set." + key);
      spec.fixed_overrides.push_back(key + "=" + value_text(kv.second, "set." + key));
      spec.fixed_origins.push_back(origin(kv.second));
    }
  }

  std::vector<SweepParameter> parse_matrix(const YAML::Node& root) const {
    const YAML::Node matrix = root["matrix"];
    if (!matrix) fail(root, "matrix", "missing key: parameter path -> list of values");
    if (!matrix.IsMap() || matrix.size() == 0) {
      fail(matrix, "matrix", "expected a non-empty mapping of parameter path -> list of values");
    }
    std::vector<SweepParameter> out;
    for (const auto& kv : matrix) {
      SweepParameter p;
      p.path = kv.first.Scalar();
      const std::string key_path = "matrix." + p.path;
      if (p.path == "seed") fail(kv.first, key_path, "sweep seeds with the top-level `seeds:` key");
      if (kv.second.IsSequence()) {
        for (const YAML::Node& v : kv.second) refuse_trace_choice(kv.first, p.path, v, key_path);
      }
      if (!kv.second.IsSequence() || kv.second.size() == 0) {
        fail(kv.second, key_path, "expected a non-empty list of values, e.g. [5s, 10s, 30s]");
      }
      std::set<std::string> seen;
      for (const YAML::Node& v : kv.second) {
        std::string text = value_text(v, key_path);
        if (!seen.insert(text).second) fail(v, key_path, "value '" + text + "' is listed twice");
        p.values.push_back(std::move(text));
        p.origins.push_back(origin(v));
      }
      out.push_back(std::move(p));
    }
    return out;
  }

  std::uint64_t seed_value(const YAML::Node& node, const std::string& text, const std::string& path) const {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) {
      fail(node, path, "expected a non-negative integer seed, got '" + text + "'");
    }
    return value;
  }

  std::vector<std::uint64_t> seed_range(const YAML::Node& node, std::uint64_t from, std::uint64_t to) const {
    if (to < from) fail(node, "seeds", "empty range: the end is below the start");
    if (to - from >= kMaxSweepRuns) fail(node, "seeds", "more than " + std::to_string(kMaxSweepRuns) + " seeds");
    std::vector<std::uint64_t> out;
    for (std::uint64_t s = from;; ++s) {
      out.push_back(s);
      if (s == to) break;
    }
    return out;
  }

  std::vector<std::uint64_t> parse_seeds(const YAML::Node& seeds) const {
    if (seeds.IsSequence()) {
      if (seeds.size() == 0) fail(seeds, "seeds", "expected at least one seed");
      std::vector<std::uint64_t> out;
      std::set<std::uint64_t> seen;
      for (const YAML::Node& s : seeds) {
        const std::uint64_t v = seed_value(s, scalar(s, "seeds"), "seeds");
        if (!seen.insert(v).second) fail(s, "seeds", "seed " + std::to_string(v) + " is listed twice");
        out.push_back(v);
      }
      return out;
    }
    if (seeds.IsMap()) {
      check_keys(*tree_.find("seeds"), "seeds", {"from", "to"});
      if (!seeds["from"] || !seeds["to"]) fail(seeds, "seeds", "a range needs both from and to");
      return seed_range(seeds, seed_value(seeds["from"], scalar(seeds["from"], "seeds.from"), "seeds.from"),
                        seed_value(seeds["to"], scalar(seeds["to"], "seeds.to"), "seeds.to"));
    }
    const std::string text = scalar(seeds, "seeds");
    if (const auto dots = text.find(".."); dots != std::string::npos) {
      return seed_range(seeds, seed_value(seeds, text.substr(0, dots), "seeds"),
                        seed_value(seeds, text.substr(dots + 2), "seeds"));
    }
    return {seed_value(seeds, text, "seeds")};
  }

  std::string file_;
  std::string base_dir_;
  const config::yaml::Node& tree_;
};

}  // namespace

SweepError::SweepError(const std::string& file, int line, int column, const std::string& key_path,
                       const std::string& message)
    : std::runtime_error(config::ConfigError(file, line, column, key_path, message).what()),
      line_(line),
      column_(column),
      key_path_(key_path) {}

SweepError::SweepError(const config::ConfigError& error)
    : std::runtime_error(error.what()), line_(error.line()), column_(error.column()), key_path_(error.key_path()) {}

SweepSpec parse_sweep_text(std::string_view yaml, const std::string& display_name, const std::string& base_dir) {
  const sim::DefaultFloatEnvironment float_environment;
  // The rules every configuration file of ours is read by (one document, UTF-8, no duplicate keys,
  // no tabs in indentation, the size, depth and alias budgets), located; the parser below walks
  // yaml-cpp's tree of the same text.
  config::yaml::Node tree;
  try {
    tree = config::yaml::parse_document(yaml, display_name);
  } catch (const config::ConfigError& e) {
    throw SweepError(e);
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    throw SweepError(display_name, e.mark.line + 1, e.mark.column + 1, "", "invalid YAML: " + e.msg);
  }
  SweepSpec spec = Parser(display_name, base_dir, tree).parse(root);
  if (spec.name.empty()) spec.name = std::filesystem::path(display_name).stem().string();
  return spec;
}

SweepSpec load_sweep_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw SweepError(path, 0, 0, "", "is a directory, not a sweep file");
  const std::size_t limit = config::yaml::Limits{}.max_bytes;  // a sweep file is no larger than a scenario
  const config::BoundedText file = config::read_bounded(path, limit);
  if (!file.opened) throw SweepError(path, 0, 0, "", "cannot open the sweep file");
  if (!file.complete) throw SweepError(path, 1, 1, "", "file is larger than " + std::to_string(limit) + " bytes");
  return parse_sweep_text(file.text, path, std::filesystem::path(path).parent_path().string());
}

}  // namespace clocksim::sweep
