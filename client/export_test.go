package client

// OnSend makes c tell f the operationId of each request it sends, so that
// the tests can show every operation was called.
func OnSend(c *Client, f func(op string)) { c.sent = f }
