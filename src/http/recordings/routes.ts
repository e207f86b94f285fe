import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RecordingService } from '../../services/recordings/recordings.ts';
import { principalOf } from '../authentication.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';
import { callIdParams, listRecordingsQuery, recordingSchema, toRecordingDto } from './schemas.ts';

const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema };

/**
 * Call recordings (docs/recordings.md): download, metadata and early deletion per call; the tenant's
 * list for admins. A call's recording is reachable by whoever may see the call. Registered at `/v1`.
 */
export const recordingRoutes: FastifyPluginAsyncZod<{ recordings: RecordingService }> = (app, { recordings }) => {
  app.get(
    '/calls/:callId/recording',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags: ['recordings'],
        summary: 'Download a call’s recording (WAV)',
        description:
          'Streams the recording as `audio/wav` (16-bit PCM, stereo: caller left, agent right). Supports a single `Range: bytes=…` for seeking (206). `409 recording_not_ready` while the call is on; `404 recording_not_found` when there is none or it was deleted.',
        params: callIdParams,
        response: {
          200: z.unknown().describe('The whole WAV file (audio/wav)'),
          206: z.unknown().describe('The requested byte range of the WAV file (audio/wav)'),
          409: errorEnvelopeSchema,
          416: errorEnvelopeSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const download = await recordings.open(principalOf(request), request.params.callId, request.headers.range);
      const { range, totalBytes, stream } = download;
      void reply
        .type('audio/wav')
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="call-${request.params.callId}.wav"`);
      if (range === null) return reply.header('content-length', String(totalBytes)).send(stream);
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${totalBytes}`)
        .header('content-length', String(range.end - range.start + 1))
        .send(stream);
    },
  );

  app.get(
    '/calls/:callId/recording/metadata',
    {
      config: { auth: { scope: 'read' } },
      schema: {
        tags: ['recordings'],
        summary: 'A call’s recording: status, duration, size, expiry and word-timed transcript',
        params: callIdParams,
        response: { 200: recordingSchema, ...errors },
      },
    },
    async (request) => toRecordingDto(await recordings.forCall(principalOf(request), request.params.callId)),
  );

  app.delete(
    '/calls/:callId/recording',
    {
      config: { auth: { scope: 'write' } },
      schema: {
        tags: ['recordings'],
        summary: 'Delete a call’s recording now, before its retention ends',
        description: 'Deletes the file and marks the recording `deleted` (its row stays as the record). Deleting it again is a no-op.',
        params: callIdParams,
        response: { 204: z.null().describe('Deleted'), 409: errorEnvelopeSchema, ...errors },
      },
    },
    async (request, reply) => {
      await recordings.delete(principalOf(request), request.params.callId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/recordings',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags: ['recordings'],
        summary: 'The tenant’s recordings, newest first',
        querystring: listRecordingsQuery,
        response: { 200: z.object({ items: z.array(recordingSchema) }), ...errors },
      },
    },
    async (request) => ({ items: (await recordings.list(principalOf(request), request.query)).map(toRecordingDto) }),
  );
  return Promise.resolve();
};
