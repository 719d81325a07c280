#include "agent/aws/creds/xml.h"

#include <gtest/gtest.h>

#include <string>

namespace edgelog {
namespace {

constexpr char kAssumeRoleAnswer[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/edgelog-host</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:edgelog-host</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>IQoJb3JpZ2luX2VjEOJ//////////wEaCXVzLWVhc3QtMQ==</SessionToken>
      <Expiration>2026-11-22T07:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>
)";

TEST(XmlElementTextTest, ReadsEachFieldOfAnAssumeRoleAnswer) {
  EXPECT_EQ("ASIAIOSFODNN7EXAMPLE", XmlElementText(kAssumeRoleAnswer, "AccessKeyId"));
  EXPECT_EQ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
            XmlElementText(kAssumeRoleAnswer, "SecretAccessKey"));
  EXPECT_EQ("IQoJb3JpZ2luX2VjEOJ//////////wEaCXVzLWVhc3QtMQ==",
            XmlElementText(kAssumeRoleAnswer, "SessionToken"));
  EXPECT_EQ("2026-11-22T07:00:00Z", XmlElementText(kAssumeRoleAnswer, "Expiration"));
  EXPECT_EQ("arn:aws:sts::123456789012:assumed-role/demo/edgelog-host",
            XmlElementText(kAssumeRoleAnswer, "Arn"));
}

TEST(XmlElementTextTest, ReadsTheCodeAndMessageOfAnErrorAnswer) {
  const std::string xml =
      "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
      "<Type>Sender</Type><Code>AccessDenied</Code>"
      "<Message>User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole "
      "on resource: arn:aws:iam::1:role/x</Message></Error>"
      "<RequestId>1</RequestId></ErrorResponse>";
  EXPECT_EQ("AccessDenied", XmlElementText(xml, "Code"));
  EXPECT_EQ(
      "User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole on resource: "
      "arn:aws:iam::1:role/x",
      XmlElementText(xml, "Message"));
}

TEST(XmlElementTextTest, AnAbsentOrUnclosedElementIsNothing) {
  EXPECT_FALSE(XmlElementText(kAssumeRoleAnswer, "Account").has_value());
  EXPECT_FALSE(XmlElementText("<Code>AccessDenied", "Code").has_value());
  EXPECT_FALSE(XmlElementText("<Code", "Code").has_value());
  EXPECT_FALSE(XmlElementText("", "Code").has_value());
}

TEST(XmlElementTextTest, EmptyAndSelfClosingElementsAreEmptyText) {
  EXPECT_EQ("", XmlElementText("<a><Token></Token></a>", "Token"));
  EXPECT_EQ("", XmlElementText("<a><Token/></a>", "Token"));
  EXPECT_EQ("", XmlElementText("<a><Token /></a>", "Token"));
}

TEST(XmlElementTextTest, ANameThatOnlyStartsTheSameDoesNotMatch) {
  EXPECT_EQ("2", XmlElementText("<ArnList>1</ArnList><Arn>2</Arn>", "Arn"));
  EXPECT_EQ("2", XmlElementText("<MyArn>1</MyArn><Arn>2</Arn>", "Arn"));
}

TEST(XmlElementTextTest, TheFirstOfSeveralElementsWins) {
  EXPECT_EQ("1", XmlElementText("<r><Arn>1</Arn><Arn>2</Arn></r>", "Arn"));
}

TEST(XmlElementTextTest, ANamespacePrefixAndAttributesAreIgnored) {
  EXPECT_EQ("x", XmlElementText("<sts:Arn kind=\"a>b\">x</sts:Arn>", "Arn"));
  EXPECT_EQ("y", XmlElementText("<Arn\n  a='1'>y</Arn>", "Arn"));
}

TEST(XmlElementTextTest, CommentsAndProcessingInstructionsAreSkipped) {
  EXPECT_EQ("real", XmlElementText("<!-- <Code>fake</Code> --><Code>real</Code>", "Code"));
  EXPECT_EQ("ab", XmlElementText("<Code>a<!-- x -->b</Code>", "Code"));
  EXPECT_EQ("z", XmlElementText("<?xml version='1.0'?><!DOCTYPE x><Code>z</Code>", "Code"));
}

TEST(XmlElementTextTest, CdataIsKeptVerbatim) {
  EXPECT_EQ("a<b>&amp;c", XmlElementText("<M>a<![CDATA[<b>&amp;]]>c</M>", "M"));
}

TEST(XmlElementTextTest, ChildTagsAreDroppedAndTheirTextKept) {
  EXPECT_EQ("AccessDenied no",
            XmlElementText("<Error><Code>AccessDenied</Code> <Message>no</Message></Error>",
                           "Error"));
  EXPECT_EQ("ab", XmlElementText("<E><E>a</E>b</E>", "E"));
}

TEST(XmlElementTextTest, EntitiesInTheTextAreDecoded) {
  EXPECT_EQ("a < b & \"c\"", XmlElementText("<M>a &lt; b &amp; &quot;c&quot;</M>", "M"));
}

TEST(XmlDecodeTextTest, DecodesTheFivePredefinedEntities) {
  EXPECT_EQ("<>&\"'", XmlDecodeText("&lt;&gt;&amp;&quot;&apos;"));
}

TEST(XmlDecodeTextTest, DecodesDecimalAndHexReferencesAsUtf8) {
  EXPECT_EQ("A", XmlDecodeText("&#65;"));
  EXPECT_EQ("A", XmlDecodeText("&#x41;"));
  EXPECT_EQ("\xC3\xA9", XmlDecodeText("&#233;"));
  EXPECT_EQ("\xE2\x82\xAC", XmlDecodeText("&#x20AC;"));
  EXPECT_EQ("\xF0\x9F\x98\x80", XmlDecodeText("&#X1F600;"));
}

TEST(XmlDecodeTextTest, UnknownEntitiesAndInvalidReferencesAreKept) {
  EXPECT_EQ("&nbsp;", XmlDecodeText("&nbsp;"));
  EXPECT_EQ("a & b", XmlDecodeText("a & b"));
  EXPECT_EQ("&#0;", XmlDecodeText("&#0;"));
  EXPECT_EQ("&#xD800;", XmlDecodeText("&#xD800;"));
  EXPECT_EQ("&#x110000;", XmlDecodeText("&#x110000;"));
  EXPECT_EQ("&#12a;", XmlDecodeText("&#12a;"));
  EXPECT_EQ("&#;", XmlDecodeText("&#;"));
  EXPECT_EQ("trailing &", XmlDecodeText("trailing &"));
  EXPECT_EQ("&amp", XmlDecodeText("&amp"));
}

TEST(XmlDecodeTextTest, TextWithoutReferencesIsUnchanged) {
  EXPECT_EQ("plain text/+=", XmlDecodeText("plain text/+="));
  EXPECT_EQ("", XmlDecodeText(""));
}

}  // namespace
}  // namespace edgelog
