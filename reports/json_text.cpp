#include "reports/json_text.hpp"

#include <algorithm>

namespace contend {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

// Only structural whitespace can contain a newline (strings escape theirs), so the pattern
// cannot match inside a string.
std::string join_integer_pairs(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  const auto skip_spaces = [&text](std::size_t p) {
    while (p < text.size() && text[p] == ' ') ++p;
    return p;
  };
  const auto skip_digits = [&text](std::size_t p) {
    while (p < text.size() && is_digit(text[p])) ++p;
    return p;
  };
  while (i < text.size()) {
    if (text.compare(i, 2, "[\n") == 0) {
      const std::size_t a_begin = skip_spaces(i + 2);
      const std::size_t a_end = skip_digits(a_begin);
      if (a_end > a_begin && text.compare(a_end, 2, ",\n") == 0) {
        const std::size_t b_begin = skip_spaces(a_end + 2);
        const std::size_t b_end = skip_digits(b_begin);
        if (b_end > b_begin && b_end < text.size() && text[b_end] == '\n') {
          const std::size_t close = skip_spaces(b_end + 1);
          if (close < text.size() && text[close] == ']') {
            out += '[';
            out.append(text, a_begin, a_end - a_begin);
            out += ", ";
            out.append(text, b_begin, b_end - b_begin);
            out += ']';
            i = close + 1;
            continue;
          }
        }
      }
    }
    out += text[i++];
  }
  return out;
}

void write_indented(std::ostream& out, const OrderedJson& value, int depth) {
  const std::string text = join_integer_pairs(value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  const std::string indent(static_cast<std::size_t>(2 * depth), ' ');
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (start > 0) out << '\n' << indent;
    out.write(text.data() + start, static_cast<std::streamsize>(end - start));
    start = end + 1;
  }
}

void write_array(std::ostream& out, int depth, std::size_t count,
                 const std::function<void(std::size_t, const std::function<void(const OrderedJson&)>&)>& each) {
  const std::string indent(static_cast<std::size_t>(2 * (depth + 1)), ' ');
  bool first = true;
  for (std::size_t i = 0; i < count; ++i) {
    each(i, [&](const OrderedJson& item) {
      out << (first ? "[\n" : ",\n") << indent;
      write_indented(out, item, depth + 1);
      first = false;
    });
  }
  out << (first ? "[]" : "\n" + std::string(static_cast<std::size_t>(2 * depth), ' ') + "]");
}

std::string parse_error_text(const nlohmann::json::parse_error& e) {
  // nlohmann's text: "[json.exception.parse_error.101] parse error at line 2, column 1: syntax error ...".
  std::string text = e.what();
  if (const std::size_t tag_end = text.find("] "); text.rfind("[json.exception.", 0) == 0 && tag_end != std::string::npos) {
    text.erase(0, tag_end + 2);
  }
  std::string where;
  constexpr std::string_view kAt = "parse error at ";
  if (text.rfind(kAt, 0) == 0) {
    const std::size_t colon = text.find(": ");
    if (colon != std::string::npos) {
      where = text.substr(kAt.size(), colon - kAt.size()) + ": ";
      text.erase(0, colon + 2);
    }
  } else if (text.rfind("parse error: ", 0) == 0) {
    text.erase(0, std::string_view("parse error: ").size());
  }
  return where + "not JSON: " + text;
}

}  // namespace contend
