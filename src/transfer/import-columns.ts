// Which columns an import compares and carries onto an entity that already exists, per kind.
export const TOOL_COLUMNS = [
  'original_name',
  'custom_name',
  'name',
  'display_name',
  'url',
  'description',
  'integration_type',
  'request_type',
  'headers',
  'input_schema',
  'output_schema',
  'annotations',
  'jsonpath_filter',
  'timeout_ms',
  'enabled',
  'tags',
] as const;
/** A federated entity mirrors its upstream: only what the admin set is carried onto an existing one. */
export const FEDERATED_TOOL_COLUMNS = [
  'custom_name',
  'name',
  'headers',
  'jsonpath_filter',
  'timeout_ms',
  'enabled',
  'tags',
] as const;
export const RESOURCE_COLUMNS = [
  'name',
  'description',
  'mime_type',
  'uri_template',
  'text_content',
  'binary_content',
  'size',
  'enabled',
  'tags',
] as const;
export const PROMPT_COLUMNS = [
  'original_name',
  'name',
  'description',
  'template',
  'argument_schema',
  'enabled',
  'tags',
] as const;
export const FEDERATED_COLUMNS = ['enabled', 'tags'] as const;
/** Not capabilities, server_info, reachable, last_seen: discovery and health checks own those once it exists. */
export const GATEWAY_COLUMNS = [
  'name',
  'slug',
  'url',
  'description',
  'transport',
  'passthrough_auth',
  'passthrough_headers',
  'prefix_mode',
  'timeout_ms',
  'command',
  'enabled',
  'tags',
] as const;
export const SERVER_COLUMNS = ['name', 'description', 'icon', 'enabled', 'tags'] as const;
