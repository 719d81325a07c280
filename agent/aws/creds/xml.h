// Just enough XML to read STS answers (the Query API's responses and
// errors): the text of one named element. Not a general XML parser: no
// validation, no DTDs, no namespaces beyond ignoring a prefix.
#ifndef EDGELOG_AGENT_AWS_CREDS_XML_H_
#define EDGELOG_AGENT_AWS_CREDS_XML_H_

#include <optional>
#include <string>
#include <string_view>

namespace edgelog {

// The character data of the first element named `name` in `xml` (e.g.
// "AccessKeyId", "Code"), in document order, with entities decoded and
// CDATA sections kept verbatim. Any namespace prefix of the element is
// ignored ("<sts:Arn>" matches "Arn"); comments, processing instructions
// and the text inside them are skipped. For an element with children, the
// text of the children is included and their tags are dropped.
// std::nullopt when there is no such element or it is never closed;
// "" for an empty element ("<Name/>" or "<Name></Name>").
std::optional<std::string> XmlElementText(std::string_view xml, std::string_view name);

// Decodes the five predefined entities (&lt; &gt; &amp; &quot; &apos;) and
// numeric character references (&#65; &#x41;, written out as UTF-8). An
// unknown entity, or a reference to no valid character, is kept as it is.
std::string XmlDecodeText(std::string_view text);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_XML_H_
