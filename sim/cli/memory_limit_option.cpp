#include "sim/cli/memory_limit_option.hpp"

#include <iostream>
#include <variant>

namespace clocksim::cli {

void add_memory_limit_option(CLI::App& command, std::string& text) {
  text = "available";
  command
      .add_option("--memory-limit", text,
                  "The most memory the command may take: a size (e.g. 8GiB, 500MB), 'available' (the default: "
                  "nine tenths of what the machine can give when it starts) or 'none'; a run that needs more ends with exit 2 "
                  "instead of being killed by the kernel")
      ->check(CLI::Validator(
          [](const std::string& value) {
            return sim::parse_memory_limit(value)
                       ? std::string()
                       : "expected a size such as 8GiB, 512MiB or 500MB (B, KiB, MiB, GiB, TiB or kB, MB, GB, TB), "
                         "'available' or 'none', got '" + value + "'";
          },
          "SIZE"));
}

std::optional<sim::MemoryLimit> apply_memory_limit_option(const std::string& text, const char* program) {
  const auto request = sim::parse_memory_limit(text);
  if (!request) {  // the validator let nothing else through
    std::cerr << program << ": --memory-limit " << text << ": not a size\n";
    return std::nullopt;
  }
  auto applied = sim::apply_memory_limit(*request);
  if (auto* e = std::get_if<std::string>(&applied)) {
    std::cerr << program << ": --memory-limit " << text << ": " << *e << "\n";
    return std::nullopt;
  }
  return std::get<sim::MemoryLimit>(std::move(applied));
}

}  // namespace clocksim::cli
