package dev.secateur.bench.onnx;

import dev.secateur.bench.onnx.proto.Onnx.AttributeProto;
import dev.secateur.bench.onnx.proto.Onnx.GraphProto;
import dev.secateur.bench.onnx.proto.Onnx.NodeProto;
import dev.secateur.bench.onnx.proto.Onnx.TensorProto;
import dev.secateur.bench.onnx.proto.Onnx.ValueInfoProto;
import dev.secateur.nn.io.ModelFormatException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph checked for structure: every value produced once, no input left dangling, no
 * cycle, one data input and one output. Constants (initializers and {@code Constant} nodes) are
 * kept apart from the data flow; {@link #consumers} lists the nodes that read a data value.
 */
final class OnnxGraph {
    private final String src;
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<NodeProto, String> names = new HashMap<>();
    private final ValueInfoProto input, output;

    OnnxGraph(GraphProto g, String src, OnnxTensors tensors) {
        this.src = src;
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty()) throw new ModelFormatException(src, -1, "an initializer has no name");
            if (constants.put(t.getName(), t) != null) throw new ModelFormatException(src, -1, "initializer \"" + t.getName() + "\" is defined twice");
            tensors.check(t);
        }
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) if (!constants.containsKey(v.getName())) inputs.add(v);
        if (inputs.size() != 1) {
            throw new ModelFormatException(src, -1, "the graph has " + inputs.size() + " data inputs " + namesOf(inputs) + "; exactly one is supported");
        }
        if (g.getOutputCount() != 1) {
            throw new ModelFormatException(src, -1, "the graph has " + g.getOutputCount() + " outputs " + namesOf(g.getOutputList()) + "; exactly one is supported");
        }
        input = inputs.get(0);
        output = g.getOutput(0);

        Map<String, NodeProto> producer = new LinkedHashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            names.put(n, n.getName().isEmpty() ? "#" + i : n.getName());
            if (n.getOpType().equals("Constant")) {
                if (n.getOutputCount() != 1) throw bad(n, "a Constant node needs exactly one output");
                constants.put(n.getOutput(0), constantValue(n, tensors));
            }
            for (String o : n.getOutputList()) {
                if (o.isEmpty()) continue;
                if (o.equals(input.getName()) || constants.containsKey(o) && !n.getOpType().equals("Constant") || producer.put(o, n) != null) {
                    throw bad(n, "value \"" + o + "\" is produced more than once");
                }
            }
        }
        // Dangling inputs, then Kahn's algorithm for cycles.
        Map<NodeProto, Integer> pending = new HashMap<>();
        ArrayDeque<NodeProto> ready = new ArrayDeque<>();
        Map<String, List<NodeProto>> readers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            int waits = 0;
            for (String in : n.getInputList()) {
                if (in.isEmpty()) continue;
                boolean isConstant = constants.containsKey(in) && !producerIsData(producer.get(in));
                if (!in.equals(input.getName()) && !isConstant && !producer.containsKey(in)) {
                    throw bad(n, "input \"" + in + "\" is not a graph input, an initializer, or any node's output");
                }
                if (producer.containsKey(in) && !isConstant) waits++;
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                if (!isConstant) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            pending.put(n, waits);
            if (waits == 0) ready.add(n);
        }
        int done = 0;
        while (!ready.isEmpty()) {
            NodeProto n = ready.poll();
            done++;
            for (String o : n.getOutputList()) {
                for (NodeProto r : readers.getOrDefault(o, List.of())) {
                    if (!consumers.getOrDefault(o, List.of()).contains(r)) continue;
                    if (pending.merge(r, -1, Integer::sum) == 0) ready.add(r);
                }
            }
        }
        if (done != g.getNodeCount()) {
            for (var e : pending.entrySet()) {
                if (e.getValue() > 0) throw bad(e.getKey(), "the graph has a cycle through this node");
            }
        }
        if (!output.getName().equals(input.getName()) && !producer.containsKey(output.getName())) {
            throw new ModelFormatException(src, -1, "graph output \"" + output.getName() + "\" is produced by no node");
        }
    }

    private static boolean producerIsData(NodeProto p) { return p != null && !p.getOpType().equals("Constant"); }

    private TensorProto constantValue(NodeProto n, OnnxTensors tensors) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("value") && a.hasT()) {
                tensors.check(a.getT());
                return a.getT();
            }
        }
        throw bad(n, "Constant node without a tensor \"value\" attribute (value_float, value_ints, ... are not supported)");
    }

    ValueInfoProto input() { return input; }
    ValueInfoProto output() { return output; }

    boolean isConstant(String value) { return constants.containsKey(value); }

    TensorProto constant(NodeProto n, String value) {
        TensorProto t = constants.get(value);
        if (t == null) throw bad(n, "input \"" + value + "\" must be a constant (an initializer or a Constant node)");
        return t;
    }

    List<NodeProto> consumers(String value) { return consumers.getOrDefault(value, List.of()); }

    String name(NodeProto n) { return names.get(n); }

    ModelFormatException bad(NodeProto n, String problem) {
        return new ModelFormatException(src, -1, "node " + names.get(n) + " (" + n.getOpType() + "): " + problem);
    }

    private static String namesOf(List<ValueInfoProto> vs) {
        List<String> s = new ArrayList<>();
        for (ValueInfoProto v : vs) s.add(v.getName());
        return s.toString();
    }
}
