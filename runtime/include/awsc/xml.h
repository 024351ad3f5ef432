/*
 * The XML protocols' body codecs (libawsc-xml): services whose protocol is
 * restXml, awsQuery or ec2Query point their operations at these, so only
 * programs that use such a service link the XML parser.
 */
#ifndef AWSC_XML_H
#define AWSC_XML_H

#include "awsc/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

AWSC_API extern const awsc_codec awsc_codec_aws_query;
AWSC_API extern const awsc_codec awsc_codec_ec2_query;

#ifdef __cplusplus
}
#endif
#endif
