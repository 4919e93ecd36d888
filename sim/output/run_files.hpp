// The names of the files a run writes into its folder, in one place: the writers create them by
// these names, and a run reusing a folder removes the ones it did not write (output_folder.hpp).
#pragma once

#include <array>
#include <string_view>

namespace clocksim::sim::run_files {

inline constexpr std::string_view kTrace = "trace.csv";
inline constexpr std::string_view kTraceGzip = "trace.csv.gz";
inline constexpr std::string_view kSkew = "skew.csv";
inline constexpr std::string_view kEvents = "events.csv";
inline constexpr std::string_view kEventsLog = "events.log";
inline constexpr std::string_view kMessages = "messages.csv";
inline constexpr std::string_view kLinks = "links.csv";
inline constexpr std::string_view kLogical = "logical.csv";
// Written last: a folder with a summary is a finished run (the sweep runner relies on it).
inline constexpr std::string_view kSummary = "summary.json";

inline constexpr std::array kAll = {kTrace, kTraceGzip, kSkew, kEvents, kEventsLog,
                                    kMessages, kLinks, kLogical, kSummary};

}  // namespace clocksim::sim::run_files
