/**
 * The Sparkplug B payload (Eclipse Tahu's `sparkplug_b.proto`, as the Sparkplug 3.0 specification
 * defines it) and its protobuf codec.
 *
 * Library: protobufjs (BSD-3-Clause; the most used JavaScript protobuf runtime, maintained, and
 * able to load a schema at run time without generated code). The `sparkplug-payload` package
 * (EPL-2.0) wraps the same library in its older major version 6 and adds little we need; writing
 * the schema here, from the specification, keeps the licence simple and the version current. The
 * schema below reproduces the specification's message and field numbers (a wire format is a spec).
 */
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto2";
package org.eclipse.tahu.protobuf;
message Payload {
  message Template {
    message Parameter {
      optional string name = 1;
      optional uint32 type = 2;
      oneof value { uint32 int_value = 3; uint64 long_value = 4; float float_value = 5; double double_value = 6;
        bool boolean_value = 7; string string_value = 8; ParameterValueExtension extension_value = 9; }
      message ParameterValueExtension { extensions 1 to max; }
    }
    optional string version = 1;
    repeated Metric metrics = 2;
    repeated Parameter parameters = 3;
    optional string template_ref = 4;
    optional bool is_definition = 5;
    extensions 6 to max;
  }
  message DataSet {
    message DataSetValue {
      oneof value { uint32 int_value = 1; uint64 long_value = 2; float float_value = 3; double double_value = 4;
        bool boolean_value = 5; string string_value = 6; DataSetValueExtension extension_value = 7; }
      message DataSetValueExtension { extensions 1 to max; }
    }
    message Row { repeated DataSetValue elements = 1; extensions 2 to max; }
    optional uint64 num_of_columns = 1;
    repeated string columns = 2;
    repeated uint32 types = 3;
    repeated Row rows = 4;
    extensions 5 to max;
  }
  message PropertyValue {
    optional uint32 type = 1;
    optional bool is_null = 2;
    oneof value { uint32 int_value = 3; uint64 long_value = 4; float float_value = 5; double double_value = 6;
      bool boolean_value = 7; string string_value = 8; PropertySet propertyset_value = 9;
      PropertySetList propertysets_value = 10; PropertyValueExtension extension_value = 11; }
    message PropertyValueExtension { extensions 1 to max; }
  }
  message PropertySet { repeated string keys = 1; repeated PropertyValue values = 2; extensions 3 to max; }
  message PropertySetList { repeated PropertySet propertyset = 1; extensions 2 to max; }
  message MetaData {
    optional bool is_multi_part = 1;
    optional string content_type = 2;
    optional uint64 size = 3;
    optional uint64 seq = 4;
    optional string file_name = 5;
    optional string file_type = 6;
    optional string md5 = 7;
    optional string description = 8;
    extensions 9 to max;
  }
  message Metric {
    optional string name = 1;
    optional uint64 alias = 2;
    optional uint64 timestamp = 3;
    optional uint32 datatype = 4;
    optional bool is_historical = 5;
    optional bool is_transient = 6;
    optional bool is_null = 7;
    optional MetaData metadata = 8;
    optional PropertySet properties = 9;
    oneof value { uint32 int_value = 10; uint64 long_value = 11; float float_value = 12; double double_value = 13;
      bool boolean_value = 14; string string_value = 15; bytes bytes_value = 16; DataSet dataset_value = 17;
      Template template_value = 18; MetricValueExtension extension_value = 19; }
    message MetricValueExtension { extensions 1 to max; }
  }
  optional uint64 timestamp = 1;
  repeated Metric metrics = 2;
  optional uint64 seq = 3;
  optional string uuid = 4;
  optional bytes body = 5;
  extensions 6 to max;
}
`;

/** Sparkplug B data types (the specification's numbering), by name. */
export const SPARKPLUG_DATATYPES = {
  Int8: 1,
  Int16: 2,
  Int32: 3,
  Int64: 4,
  UInt8: 5,
  UInt16: 6,
  UInt32: 7,
  UInt64: 8,
  Float: 9,
  Double: 10,
  Boolean: 11,
  String: 12,
  DateTime: 13,
  Text: 14,
} as const;

/** One metric of a payload, as decoded (64-bit integers as `bigint`; absent fields absent). */
export interface SparkplugMetric {
  name?: string;
  alias?: bigint;
  timestamp?: bigint;
  datatype?: number;
  is_historical?: boolean;
  is_transient?: boolean;
  is_null?: boolean;
  int_value?: number;
  long_value?: bigint;
  float_value?: number;
  double_value?: number;
  boolean_value?: boolean;
  string_value?: string;
}

/** A Sparkplug B payload, as decoded or to encode (the fields streamnorm uses). */
export interface SparkplugPayload {
  timestamp?: bigint;
  metrics?: SparkplugMetric[];
  seq?: bigint;
  uuid?: string;
}

let payloadType: protobuf.Type | undefined;

function type(): protobuf.Type {
  payloadType ??= protobuf.parse(SCHEMA, { keepCase: true }).root.lookupType('org.eclipse.tahu.protobuf.Payload');
  return payloadType;
}

/**
 * Decodes a Sparkplug B payload; throws (protobufjs's error) for bytes that are not one.
 *
 * @example
 * ```ts
 * import { decodeSparkplugPayload, encodeSparkplugPayload } from 'streamnorm/sparkplug';
 * const bytes = encodeSparkplugPayload({ seq: 3n, metrics: [{ alias: 7n, datatype: 10, double_value: 21.5 }] });
 * const p = decodeSparkplugPayload(bytes);
 * [p.seq, p.metrics?.[0]?.alias, p.metrics?.[0]?.double_value]; // => [3n, 7n, 21.5]
 * ```
 */
export function decodeSparkplugPayload(bytes: Uint8Array): SparkplugPayload {
  const t = type();
  return t.toObject(t.decode(bytes), { longs: BigInt, defaults: false, arrays: false }) as SparkplugPayload;
}

/**
 * Encodes a Sparkplug B payload (64-bit fields as `bigint` or number).
 *
 * @example
 * ```ts
 * import { encodeSparkplugPayload } from 'streamnorm/sparkplug';
 * encodeSparkplugPayload({ seq: 0n }).length; // => 2
 * ```
 */
export function encodeSparkplugPayload(payload: SparkplugPayload): Uint8Array {
  const t = type();
  return t.encode(t.fromObject(payload as Record<string, unknown>)).finish();
}
