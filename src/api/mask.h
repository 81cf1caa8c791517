// User-identifier masking for the monitor role (SPEC 6, privacy.maskUsers), applied on the
// server before serialization: phone-like values keep a leading '+', the first 2 digits and the
// last 4 ("+5511999888777" -> "+55•••••••8777"); e-mails keep the first character and the
// domain ("john@acme.com" -> "j•••@acme.com"); anything else keeps its first and last character
// (3 or fewer characters -> all '•'). Counts are in Unicode characters. Pure; thread-safe.
#ifndef BOTMON_API_MASK_H_
#define BOTMON_API_MASK_H_

#include <string>
#include <string_view>

namespace botmon {

std::string MaskUser(std::string_view user);

}  // namespace botmon

#endif  // BOTMON_API_MASK_H_
