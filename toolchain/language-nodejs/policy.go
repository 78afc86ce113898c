package main

// The policy proxy. In the official CLI, the engine tells an analyzer which project and stack it
// checks only through the ConfigureStack call, after the pack has started; the official Node.js
// host therefore stands between the engine and the pack and starts the pack only then, with the
// environment @pulumi/pulumi reads (PULUMI_NODEJS_PROJECT, _STACK, _ORGANIZATION, _DRY_RUN and
// PULUMI_CONFIG), so pulumi.getStack() and new pulumi.Config() work inside a policy. This does
// the same: it serves the engine's Analyzer calls itself, starts the pack at ConfigureStack (or at
// the first other call, e.g. for `pulumi policy publish`) and forwards every call as raw bytes.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

const analyzerService = "/pulumirpc.Analyzer/"

// frame is one gRPC message, passed through without decoding.
type frame struct{ data []byte }

// rawCodec moves frames as bytes; named "proto" so both sides agree on the content type.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.(*frame).data, nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	v.(*frame).data = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// policyPack is the pack's node process behind the proxy, started once.
type policyPack struct {
	ctx                context.Context // RunPlugin's: the pack dies with it
	script, dir, entry string
	args               []string // the engine's address
	baseEnv            []string
	send               func(*pulumirpc.RunPluginResponse)
	exited             chan int // the exit code, once, after all output was sent

	mu      sync.Mutex
	started chan struct{} // closed once start finished, well or not
	cmd     *exec.Cmd
	conn    *grpc.ClientConn
	err     error
}

// start runs the pack with `env` added, once; later calls wait for the first.
func (p *policyPack) start(env map[string]string) error {
	p.mu.Lock()
	if p.started != nil {
		started := p.started
		p.mu.Unlock()
		<-started
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.err
	}
	p.started = make(chan struct{})
	p.mu.Unlock()
	conn, cmd, err := p.launch(env)
	p.mu.Lock()
	p.conn, p.cmd, p.err = conn, cmd, err
	close(p.started)
	p.mu.Unlock()
	return err
}

// launch starts node, reads the port the pack prints first and connects to it. The pack's other
// output goes to the engine; its exit code follows once that output is all sent.
func (p *policyPack) launch(env map[string]string) (*grpc.ClientConn, *exec.Cmd, error) {
	cmd := exec.CommandContext(p.ctx, "node", append(append([]string{p.script}, p.args...), p.entry)...)
	cmd.Dir = p.dir
	cmd.Env = append([]string(nil), p.baseEnv...)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("could not run node: %w", err)
	}
	reader := bufio.NewReader(stdout)
	line, readErr := reader.ReadString('\n')
	var pumps sync.WaitGroup
	pumps.Add(2)
	go p.pump(&pumps, stderr, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	go p.pump(&pumps, reader, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	go func() {
		// Wait closes the pipes: read them to the end first, so no last line is lost.
		pumps.Wait()
		code := 0
		if err := cmd.Wait(); err != nil {
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else {
				code = -1
			}
		}
		p.exited <- code
	}()
	port, convErr := strconv.Atoi(strings.TrimSpace(line))
	if readErr != nil || convErr != nil {
		_ = cmd.Process.Kill() // reaped by the goroutine above
		return nil, cmd, fmt.Errorf("the policy pack did not print its port (got %q)", line)
	}
	conn, err := grpc.NewClient(net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{}), grpc.MaxCallRecvMsgSize(400<<20), grpc.MaxCallSendMsgSize(400<<20)))
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, cmd, err
	}
	return conn, cmd, nil
}

func (p *policyPack) pump(done *sync.WaitGroup, from io.Reader, wrap func([]byte) *pulumirpc.RunPluginResponse) {
	defer done.Done()
	reader := bufio.NewReader(from)
	for {
		line, err := reader.ReadBytes('\n')
		if len(line) > 0 {
			p.send(wrap(line))
		}
		if err != nil {
			return
		}
	}
}

// stackEnv is what the engine's constructEnv (sdk/go/common/resource/plugin/analyzer_plugin.go)
// gives a Node.js pack for the stack it checks: PULUMI_CONFIG and both the PULUMI_NODEJS_* and
// PULUMI_* names of organization, project, stack and dry run.
func stackEnv(req *pulumirpc.AnalyzerStackConfigureRequest) (map[string]string, error) {
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	env := map[string]string{"PULUMI_CONFIG": string(config)}
	for _, prefix := range []string{"PULUMI_NODEJS_", "PULUMI_"} {
		set := func(k, v string) {
			if v != "" {
				env[prefix+k] = v
			}
		}
		set("ORGANIZATION", req.GetOrganization())
		set("PROJECT", req.GetProject())
		set("STACK", req.GetStack())
		set("DRY_RUN", strconv.FormatBool(req.GetDryRun()))
	}
	return env, nil
}

// handle serves one call from the engine: ConfigureStack starts the pack with the stack's
// environment; a Handshake before the pack runs is answered as the pack would (not implemented).
func (p *policyPack) handle(_ any, stream grpc.ServerStream) error {
	method, _ := grpc.MethodFromServerStream(stream)
	in := &frame{}
	if err := stream.RecvMsg(in); err != nil {
		return err
	}
	env := map[string]string{}
	switch method {
	case analyzerService + "Handshake":
		p.mu.Lock()
		running := p.started != nil
		p.mu.Unlock()
		if !running {
			return status.Error(codes.Unimplemented, "the policy pack starts at ConfigureStack")
		}
	case analyzerService + "ConfigureStack":
		req := &pulumirpc.AnalyzerStackConfigureRequest{}
		if err := proto.Unmarshal(in.data, req); err != nil {
			return status.Errorf(codes.InvalidArgument, "ConfigureStack: %v", err)
		}
		var err error
		if env, err = stackEnv(req); err != nil {
			return status.Errorf(codes.Internal, "ConfigureStack: %v", err)
		}
	}
	if err := p.start(env); err != nil {
		return status.Error(codes.Unavailable, err.Error())
	}
	out := &frame{}
	p.mu.Lock()
	conn := p.conn
	p.mu.Unlock()
	if err := conn.Invoke(stream.Context(), method, in, out); err != nil {
		return err
	}
	return stream.SendMsg(out)
}

// runPolicyPack serves the proxy until the engine goes away or the pack exits.
func runPolicyPack(p *policyPack) error {
	ctx := p.ctx
	p.exited = make(chan int, 1)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := grpc.NewServer(grpc.UnknownServiceHandler(p.handle), grpc.ForceServerCodec(rawCodec{}),
		grpc.MaxRecvMsgSize(400<<20), grpc.MaxSendMsgSize(400<<20))
	go func() { _ = server.Serve(listener) }()
	// The engine reads the analyzer's port from the first line of standard output.
	p.send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{
		Stdout: []byte(fmt.Sprintf("%d\n", listener.Addr().(*net.TCPAddr).Port)),
	}})
	code := 0
	select {
	case <-ctx.Done():
	case code = <-p.exited:
	}
	stopped := make(chan struct{})
	go func() { server.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		server.Stop()
	}
	p.mu.Lock()
	cmd, conn, starting := p.cmd, p.conn, p.started
	p.mu.Unlock()
	if starting != nil && cmd == nil {
		<-starting // a start under way: let it finish, then stop what it started
		p.mu.Lock()
		cmd, conn = p.cmd, p.conn
		p.mu.Unlock()
	}
	if cmd != nil {
		_ = cmd.Process.Kill() // an error only says it already exited
	}
	if conn != nil {
		_ = conn.Close()
	}
	p.send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
	_ = os.Stdout.Sync()
	return nil
}
