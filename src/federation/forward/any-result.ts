// ANY_RESULT: the result schema forwarded requests are decoded with: any JSON object, kept exactly as the upstream sent it.
import type { StandardSchemaV1 } from '@modelcontextprotocol/client';

/**
 * The SDK's own result schemas drop fields they do not know (a content block's extra keys, a newer spec's
 * additions) and `callTool` checks structured content itself; a gateway must pass results through unchanged,
 * so forwarded requests only require an object and leave every field alone.
 */
export const ANY_RESULT: StandardSchemaV1<unknown, Record<string, unknown>> = {
  '~standard': {
    version: 1,
    vendor: 'mcpgateway',
    validate: (value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? { value: value as Record<string, unknown> }
        : { issues: [{ message: 'an MCP result must be a JSON object' }] },
  },
};
