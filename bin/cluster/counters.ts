/** What a cluster member counts (printed in its status line and at exit; one JSON line with --status-interval). */
export interface ClusterCounters {
  /** JetStream (or MQTT) messages taken in. */
  messages: number;
  readings: number;
  /** Messages acknowledged after their outputs were confirmed. */
  acked: number;
  /** Outputs stored by JetStream. */
  published: number;
  /** Outputs JetStream already had (same message id): replays after a take-over or a redelivery. */
  duplicates: number;
  /** Messages delivered again that this worker had processed already (skipped, not learned twice). */
  redelivered: number;
  publishRetries: number;
  /** Outputs whose subject could not be made (a tag the template names is missing). */
  unpublishable: number;
  /** Messages or values that could not be read (counted per reason in the MQTT codecs' terms). */
  malformed: number;
  /** Messages whose topic matched no input pattern. */
  unmatched: number;
  /** working() signals sent during output outages. */
  working: number;
  /** Drift alarms raised by the partitions' stores (each may start a refit, as `refit.onAlarm` says). */
  driftAlarms: number;
  /** Waiting promotions approved through the approve subject. */
  promoted: number;
  statsWritten: number;
  statsExisting: number;
  statsConflicts: number;
  checkpoints: number;
  claimed: number;
  handedOver: number;
  /** Partitions given up because their lease was lost (fenced): nothing more was written for them. */
  fenced: number;
  /** Take-overs that found the stream no longer holding every message after the checkpoint (retention shorter than the absence). */
  retentionGaps: number;
  lastError?: string;
}

/** Counters all at zero. */
export function newCounters(): ClusterCounters {
  return {
    messages: 0,
    readings: 0,
    acked: 0,
    published: 0,
    duplicates: 0,
    redelivered: 0,
    publishRetries: 0,
    unpublishable: 0,
    malformed: 0,
    unmatched: 0,
    working: 0,
    driftAlarms: 0,
    promoted: 0,
    statsWritten: 0,
    statsExisting: 0,
    statsConflicts: 0,
    checkpoints: 0,
    claimed: 0,
    handedOver: 0,
    fenced: 0,
    retentionGaps: 0,
  };
}
