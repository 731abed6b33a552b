import { Button, Card, Form, Input, InputNumber, Select, Space, Typography, type FormInstance } from 'antd';
import { ITEM_NAME, SERVICE_NAME, destinationsProblem, parseLabels, routeTargetProblem, type RoutingValues } from './routing';

interface Props {
  form: FormInstance<RoutingValues>;
  initial: RoutingValues;
  readOnly: boolean;
}

const nameRules = (what: string) => [
  { required: true, message: `Give the ${what} a name` },
  { pattern: ITEM_NAME, message: 'Use letters, digits and _ . - (at most 63), starting with a letter or digit' },
];

/** The routing rule as a form: subsets by label, and routes with matches, weighted destinations and mirroring. */
export function RoutingForm({ form, initial, readOnly }: Props) {
  const subsetNames = (Form.useWatch('subsets', form) ?? [])
    .map((s) => s?.name)
    .filter((n): n is string => !!n);

  const definedSubset = {
    validator: async (_: unknown, value?: string) => {
      const names = ((form.getFieldValue('subsets') ?? []) as { name?: string }[]).map((s) => s?.name);
      if (value && !names.includes(value)) {
        throw new Error(`'${value}' is not one of the subsets above`);
      }
    },
  };

  return (
    <Form<RoutingValues> form={form} layout="vertical" initialValues={initial} disabled={readOnly} data-testid="routing-form">
      <Card size="small" title="Subsets" style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">
          A subset is the instances whose labels all match, e.g. <code>version=2</code> or <code>zone=a, canary=true</code>.
        </Typography.Paragraph>
        <Form.List
          name="subsets"
          rules={[
            {
              validator: async (_, subsets?: { name?: string }[]) => {
                const names = (subsets ?? []).map((s) => s?.name).filter(Boolean);
                const twice = names.find((n, i) => names.indexOf(n) !== i);
                if (twice) {
                  throw new Error(`The subset name '${twice}' is used twice; names must be distinct`);
                }
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} align="start" style={{ display: 'flex' }}>
                  <Form.Item name={[field.name, 'name']} rules={nameRules('subset')} label={i === 0 ? 'Name' : undefined}>
                    <Input aria-label={`Subset ${i + 1} name`} placeholder="v2" style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'labels']}
                    label={i === 0 ? 'Labels' : undefined}
                    rules={[
                      {
                        validator: async (_, text?: string) => {
                          const { problem } = parseLabels(text);
                          if (problem) {
                            throw new Error(problem.charAt(0).toUpperCase() + problem.slice(1));
                          }
                        },
                      },
                    ]}
                  >
                    <Input aria-label={`Subset ${i + 1} labels`} placeholder="version=2" style={{ width: 320 }} />
                  </Form.Item>
                  {!readOnly && (
                    <Button onClick={() => remove(field.name)} style={{ marginTop: i === 0 ? 30 : 0 }}>
                      Remove
                    </Button>
                  )}
                </Space>
              ))}
              <Form.ErrorList errors={errors} />
              {!readOnly && (
                <div>
                  <Button onClick={() => add({ name: '', labels: '' })}>Add subset</Button>
                </div>
              )}
            </>
          )}
        </Form.List>
      </Card>

      <Form.List
        name="routes"
        rules={[
          {
            validator: async (_, routes?: unknown[]) => {
              if (!routes || routes.length === 0) {
                throw new Error('Add at least one route');
              }
            },
          },
        ]}
      >
        {(routes, { add, remove }, { errors }) => (
          <>
            {routes.map((route, r) => (
              <Card
                key={route.key}
                size="small"
                title={`Route ${r + 1}`}
                style={{ marginBottom: 16 }}
                extra={!readOnly && <Button size="small" onClick={() => remove(route.name)}>Remove route</Button>}
              >
                <Space align="start" wrap>
                  <Form.Item name={[route.name, 'name']} label="Route name" rules={nameRules('route')}>
                    <Input aria-label={`Route ${r + 1} name`} style={{ width: 200 }} />
                  </Form.Item>
                  <Form.Item name={[route.name, 'match', 'methods']} label="Methods (empty: any)">
                    <Select mode="tags" aria-label={`Route ${r + 1} methods`} style={{ width: 320 }} placeholder="createOrder" />
                  </Form.Item>
                </Space>
                <Form.List name={[route.name, 'match', 'headers']}>
                  {(headers, { add: addHeader, remove: removeHeader }) => (
                    <>
                      {headers.map((h, j) => (
                        <Space key={h.key} align="start" style={{ display: 'flex' }}>
                          <Form.Item name={[h.name, 'name']} rules={[{ required: true, message: 'Name the header' }]}>
                            <Input aria-label={`Route ${r + 1} header ${j + 1} name`} placeholder="x-canary" style={{ width: 180 }} />
                          </Form.Item>
                          <Form.Item name={[h.name, 'type']} initialValue="exact">
                            <Select
                              style={{ width: 110 }}
                              options={['exact', 'prefix', 'regex'].map((t) => ({ value: t, label: t }))}
                            />
                          </Form.Item>
                          <Form.Item name={[h.name, 'value']} rules={[{ required: true, message: 'Give the value to match' }]}>
                            <Input aria-label={`Route ${r + 1} header ${j + 1} value`} style={{ width: 200 }} />
                          </Form.Item>
                          {!readOnly && <Button onClick={() => removeHeader(h.name)}>Remove</Button>}
                        </Space>
                      ))}
                      {!readOnly && (
                        <div style={{ marginBottom: 16 }}>
                          <Button size="small" onClick={() => addHeader({ type: 'exact' })}>
                            Add header match
                          </Button>
                        </div>
                      )}
                    </>
                  )}
                </Form.List>
                <Typography.Text strong style={{ display: 'block' }}>
                  Destinations
                </Typography.Text>
                <Form.List
                  name={[route.name, 'destinations']}
                  rules={[
                    {
                      validator: async (_, destinations) => {
                        const problem =
                          destinationsProblem(destinations) ??
                          routeTargetProblem(form.getFieldValue(['routes', route.name]));
                        if (problem) {
                          throw new Error(problem.charAt(0).toUpperCase() + problem.slice(1));
                        }
                      },
                    },
                  ]}
                >
                  {(destinations, { add: addDestination, remove: removeDestination }, { errors: destinationErrors }) => (
                    <>
                      {destinations.map((d, j) => (
                        <Space key={d.key} align="start" style={{ display: 'flex' }}>
                          <Form.Item
                            name={[d.name, 'subset']}
                            rules={[{ required: true, message: 'Pick a subset' }, definedSubset]}
                          >
                            <Select
                              aria-label={`Route ${r + 1} destination ${j + 1} subset`}
                              style={{ width: 180 }}
                              placeholder="subset"
                              options={subsetNames.map((n) => ({ value: n, label: n }))}
                            />
                          </Form.Item>
                          <Form.Item name={[d.name, 'weight']}>
                            <InputNumber
                              aria-label={`Route ${r + 1} destination ${j + 1} weight`}
                              min={0}
                              max={100}
                              addonAfter="%"
                              style={{ width: 130 }}
                            />
                          </Form.Item>
                          {!readOnly && <Button onClick={() => removeDestination(d.name)}>Remove</Button>}
                        </Space>
                      ))}
                      <div data-testid={`route-${r + 1}-destination-errors`}>
                        <Form.ErrorList errors={destinationErrors} />
                      </div>
                      {!readOnly && (
                        <div style={{ marginBottom: 16 }}>
                          <Button size="small" onClick={() => addDestination({})}>
                            Add destination
                          </Button>
                        </div>
                      )}
                    </>
                  )}
                </Form.List>
                <Space align="start" wrap>
                  <Form.Item
                    name={[route.name, 'delegateTo']}
                    label="Or delegate to service"
                    rules={[{ pattern: SERVICE_NAME, message: 'Not a valid service name' }]}
                  >
                    <Input aria-label={`Route ${r + 1} delegate to`} style={{ width: 220 }} />
                  </Form.Item>
                  <Form.Item name={[route.name, 'mirror', 'subset']} label="Mirror to subset" rules={[definedSubset]}>
                    <Select
                      allowClear
                      aria-label={`Route ${r + 1} mirror subset`}
                      style={{ width: 160 }}
                      options={subsetNames.map((n) => ({ value: n, label: n }))}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[route.name, 'mirror', 'percent']}
                    label="Mirror %"
                    rules={[
                      {
                        validator: async (_, percent?: number | null) => {
                          const subset = form.getFieldValue(['routes', route.name, 'mirror', 'subset']);
                          if (subset && (percent === undefined || percent === null)) {
                            throw new Error('Give the share of calls to mirror');
                          }
                          if (percent !== undefined && percent !== null && (percent <= 0 || percent > 100)) {
                            throw new Error('Mirror more than 0 and at most 100 percent');
                          }
                        },
                      },
                    ]}
                  >
                    <InputNumber aria-label={`Route ${r + 1} mirror percent`} style={{ width: 120 }} />
                  </Form.Item>
                </Space>
              </Card>
            ))}
            <Form.ErrorList errors={errors} />
            {!readOnly && (
              <Button onClick={() => add({ name: '', match: { methods: [], headers: [] }, destinations: [{}] })}>
                Add route
              </Button>
            )}
          </>
        )}
      </Form.List>
    </Form>
  );
}
