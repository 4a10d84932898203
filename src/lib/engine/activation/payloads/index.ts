// One entry for every destination's payload: the writer is chosen by the destination id.
import { invalid } from '../../errors';
import type { PayloadRequest, PayloadResult } from '../payload';
import { writeAmplitude } from './amplitude';
import { writeBraze } from './braze';
import { writeEmailMarketing } from './emailMarketing';
import { writeFacebook } from './facebook';
import { writeFiles } from './files';
import { writeGoogle } from './google';
import { writeLinkedin } from './linkedin';

type Writer = (req: PayloadRequest) => Promise<PayloadResult>;

// A Map, not an object: a destination id such as 'constructor' must not find a writer.
const WRITERS: ReadonlyMap<string, Writer> = new Map([
  ['facebook', writeFacebook],
  ['google-customer-match', writeGoogle],
  ['linkedin', writeLinkedin],
  ['braze', writeBraze],
  ['amplitude', writeAmplitude],
  ['email-marketing', writeEmailMarketing],
  ['s3-csv', writeFiles],
  ['sftp-csv', writeFiles]
]);

/** The destination ids a payload can be written for. */
export const PAYLOAD_DESTINATIONS: readonly string[] = [...WRITERS.keys()];

/** The files one activation run sends to its destination (pure: same request, same bytes). */
export async function writePayload(req: PayloadRequest): Promise<PayloadResult> {
  const writer = WRITERS.get(req.destination);
  if (!writer) {
    throw invalid(`No payload writer for the destination "${req.destination}".`, {
      destination: req.destination,
      destinations: PAYLOAD_DESTINATIONS
    });
  }
  return writer(req);
}
