/**
 * @file xml.h
 * Body codecs of the XML protocols, in their own library (libawsc-xml, which
 * needs expat) so that JSON-only programs carry no XML parser. Generated
 * services of these protocols include this header and link awsc-xml.
 */
#ifndef AWSC_XML_H
#define AWSC_XML_H

#include "awsc/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * restXml: HTTP bindings, an XML body, errors as `<ErrorResponse><Error>`
 * or, for services with noErrorWrapping, a bare `<Error>` root (the codec
 * tells them apart by the root element, so one table serves both).
 */
AWSC_API extern const awsc_codec awsc_codec_rest_xml;

/**
 * awsQuery: a form-encoded POST (Action, Version, then the members by their
 * XML names), answered by `<OpResponse><OpResult>` or `<ErrorResponse><Error>`.
 */
AWSC_API extern const awsc_codec awsc_codec_aws_query;
/** ec2Query: as awsQuery, with EC2's key names and lists, and `<Response><Errors><Error>` errors. */
AWSC_API extern const awsc_codec awsc_codec_ec2_query;

#ifdef __cplusplus
}
#endif
#endif
