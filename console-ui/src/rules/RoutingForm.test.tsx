import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { Button, Form } from 'antd';
import { describe, expect, it } from 'vitest';
import { RoutingForm } from './RoutingForm';
import { EMPTY_ROUTING, toRoutingDocument, type RoutingValues } from './routing';

/** The form with a button that validates it, as the editor's "Review and save" does. */
function Harness({ readOnly = false, onValid }: { readOnly?: boolean; onValid?: (doc: unknown) => void }) {
  const [form] = Form.useForm<RoutingValues>();
  return (
    <>
      <RoutingForm form={form} initial={EMPTY_ROUTING} readOnly={readOnly} />
      <Button
        onClick={() =>
          form
            .validateFields()
            .then(() => onValid?.(toRoutingDocument(form.getFieldsValue(true))))
            .catch(() => {})
        }
      >
        Check
      </Button>
    </>
  );
}

describe('RoutingForm', () => {
  it('shows a weight sum other than 100 next to the route destinations', async () => {
    render(<Harness />);
    const weight = screen.getByLabelText('Route 1 destination 1 weight');
    fireEvent.change(weight, { target: { value: '50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    const errors = screen.getByTestId('route-1-destination-errors');
    await waitFor(() => expect(errors).toHaveTextContent('Weights sum to 60; make them sum to 100'));
  });

  it('checks names and labels field by field', async () => {
    render(<Harness />);
    const name = screen.getByLabelText('Subset 2 name');
    fireEvent.change(name, { target: { value: 'bad name' } });
    const labels = screen.getByLabelText('Subset 1 labels');
    fireEvent.change(labels, { target: { value: 'version' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByText(/Use letters, digits and _ \. -/)).toBeInTheDocument();
    expect(await screen.findByText("'version' is not key=value")).toBeInTheDocument();
  });

  it('refuses a destination to a subset that is not defined', async () => {
    render(<Harness />);
    const name = screen.getByLabelText('Subset 2 name');
    fireEvent.change(name, { target: { value: 'v3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByText("'v2' is not one of the subsets above")).toBeInTheDocument();
  });

  it('hands over the document when everything is valid', async () => {
    let doc: unknown;
    render(<Harness onValid={(d) => (doc = d)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    await waitFor(() => expect(doc).toEqual(toRoutingDocument(EMPTY_ROUTING)));
    expect(doc).toMatchObject({ routes: [{ destinations: [{ subset: 'v1', weight: 90 }, { subset: 'v2', weight: 10 }] }] });
  });

  it('is read-only for a viewer: no add or remove buttons, inputs disabled', () => {
    render(<Harness readOnly />);
    const form = screen.getByTestId('routing-form');
    expect(within(form).queryByRole('button', { name: /Add|Remove/ })).toBeNull();
    expect(screen.getByLabelText('Subset 1 name')).toBeDisabled();
  });
});
