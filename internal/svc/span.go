package svc

import (
	"context"

	"github.com/accordhq/accord"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Commands are traced without a provider of their own: a command run in
// the context of a recording span (the HTTP request's, which the program
// gave a tracer provider) is a child span made by that span's provider.
// Without one nothing is made, and nothing global is read.

// tracerScope is the instrumentation scope of the command spans.
const tracerScope = "github.com/accordhq/accord/internal/svc"

// cmdSpan is the span of one command; nil when the command is not traced.
type cmdSpan struct {
	span trace.Span
	name string // set once known: the kind of the first event
}

// startCommand starts the span of a command on a record of kind what
// (named what.change until a better name is known).
func startCommand(ctx context.Context, what, project, ref string) (context.Context, *cmdSpan) {
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		return ctx, nil
	}
	ctx, span := parent.TracerProvider().Tracer(tracerScope).Start(ctx, what+".change", trace.WithAttributes(
		attribute.String("accord.record.kind", what), attribute.String("accord.project", project), attribute.String("accord.record.ref", ref)))
	return ctx, &cmdSpan{span: span}
}

// named names the span after the event the command published.
func (s *cmdSpan) named(kind string) {
	if s != nil && s.name == "" {
		s.name = kind
	}
}

// end ends the span with the command's outcome.
func (s *cmdSpan) end(err error) {
	if s == nil {
		return
	}
	if s.name != "" {
		s.span.SetName(s.name)
	}
	if err != nil {
		code := accord.ErrorCode(err)
		s.span.SetAttributes(attribute.String("accord.error.code", string(code)))
		if code == accord.Internal {
			s.span.SetStatus(codes.Error, err.Error())
		}
	}
	s.span.End()
}
