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

/* awsQuery and ec2Query (form-encoded requests, XML responses) go here. */

#ifdef __cplusplus
}
#endif
#endif
