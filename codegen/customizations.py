"""The AWS service customizations that the Smithy specifications name (aws/customizations/:
S3, Glacier, API Gateway, Machine Learning), turned into descriptor data.

The runtime holds no service names for them: it reads an operation's awsc_operation_ext
(constant headers, an endpoint taken from the input, AWSC_OPX_* flags), a label member's
default, and a checksum engine. This module is the one place that decides which service
gets what, by the service's sdkId, as the SDKs' customization layers do; the
aws.customizations#s3UnwrappedXmlOutput trait applies wherever the model puts it.
"""

UNWRAPPED_XML_OUTPUT = "aws.customizations#s3UnwrappedXmlOutput"

# Glacier: the operations whose payload needs X-Amz-Content-Sha256 and X-Amz-Sha256-Tree-Hash.
GLACIER_TREE_HASH_OPERATIONS = {"UploadArchive", "UploadMultipartPart"}


def prepare_model(model, service, sdk_id):
    """Model changes a customization makes before anything is generated.

    Glacier: an `accountId` URI label defaults to "-" (the caller's own account), so a
    client may leave it out or empty; it is no longer required.
    """
    if sdk_id != "Glacier":
        return
    for op in model.operations(service):
        target = op.node.get("input", {}).get("target")
        if not target or target == "smithy.api#Unit":
            continue
        for m in model.get(target).members:
            if m.name == "accountId" and "smithy.api#httpLabel" in m.traits:
                m.traits["smithy.api#default"] = "-"
                m.traits.pop("smithy.api#required", None)


S3_EMPTY_200_ABORTED = ("CopyObject", "UploadPartCopy", "CompleteMultipartUpload")


def tree_hash_engine(sdk_id, op):
    """The checksum engine of a Glacier upload (its tree hash headers), or None."""
    if sdk_id == "Glacier" and op.name in GLACIER_TREE_HASH_OPERATIONS:
        return "awsc_glacier_tree_hash"
    return None


def operation_ext(writer, op, inp, outp):
    """The operation's awsc_operation_ext as {"headers", "endpoint_member", "flags"}, or None."""
    sdk_id = writer.sdk_id
    headers, flags, endpoint_member = [], [], None
    if sdk_id == "Glacier":
        # "MUST set the X-Amz-Glacier-Version header to the value of the service shape's version"
        headers.append(("X-Amz-Glacier-Version", writer.service.node.get("version", "")))
    if sdk_id == "API Gateway":
        headers.append(("Accept", "application/json"))
    if sdk_id == "Machine Learning" and op.name == "Predict" and inp.id != "smithy.api#Unit":
        names = [m.name for m in inp.members]
        if "PredictEndpoint" in names:
            endpoint_member = (writer.symbols.members_table(inp), names.index("PredictEndpoint"))
    if UNWRAPPED_XML_OUTPUT in op.traits:
        flags.append("AWSC_OPX_UNWRAPPED_OUTPUT")
    if sdk_id == "S3":
        flags.append("AWSC_OPX_DOT_SEGMENTS")
        # An <Error> inside a 200 (CopyObject, UploadPartCopy, CompleteMultipartUpload...): every
        # operation whose output is read whole, as the SDKs check it; a streamed body is not.
        streamed = outp.id != "smithy.api#Unit" and any(
            "smithy.api#streaming" in writer.model.target(m).traits for m in outp.members)
        if not streamed:
            flags.append("AWSC_OPX_ERROR_IN_2XX")
        # These answer 200 before they finish: an empty body is S3 aborting (the JS SDK's
        # THROW_IF_EMPTY_BODY, botocore's unparsable 200), never a result.
        if op.name in S3_EMPTY_200_ABORTED:
            flags.append("AWSC_OPX_EMPTY_2XX_ABORTED")
    if not headers and not flags and endpoint_member is None:
        return None
    # S3's customizations that are code (SSE-C's key MD5, the 200s that are errors): reached
    # through the descriptor, so that other services' programs do not link them.
    return {"headers": headers, "endpoint_member": endpoint_member, "flags": " | ".join(flags) or None,
            "s3": sdk_id == "S3"}
