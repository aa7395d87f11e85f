#pragma once
// The layout of contend's JSON text: nlohmann's pretty printing (indent 2), with a histogram's
// [value, count] buckets kept one per line, written one top-level item at a time so a long
// plan's file is never one JSON tree in memory (json_writer.cpp decides what goes in it).
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace contend {

using OrderedJson = nlohmann::ordered_json;

// nlohmann's pretty printer puts every array element on its own line, which turns each
// [value, count] bucket into four lines. This joins an array of exactly two integers back onto
// one line.
std::string join_integer_pairs(const std::string& text);

// Pretty text of `value`, indented as a member at `depth` (2 spaces per level): the first line is
// written where the stream is, the others get the depth's indentation. Invalid UTF-8 (say, in a
// plugin's status text) is replaced rather than failing the write.
void write_indented(std::ostream& out, const OrderedJson& value, int depth);

// Writes an array at `depth` whose items `each(i, emit)` makes and emits one at a time, any
// number per i; an empty array is "[]", as nlohmann writes it.
void write_array(std::ostream& out, int depth, std::size_t count,
                 const std::function<void(std::size_t, const std::function<void(const OrderedJson&)>&)>& each);

// A parse error as a user reads it: "line 2, column 1: not JSON: syntax error while parsing
// value - unexpected end of input; ...", without the library's "[json.exception...]" tag.
std::string parse_error_text(const nlohmann::json::parse_error& e);

}  // namespace contend
