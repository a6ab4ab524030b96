class DiffoptAutograd(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.DiffoptAutograd, outputs: List[Tensor], inputs: List[Tensor], seeds: List[Tensor]) -> List[Tensor]:
    return self.vjp(outputs, inputs, seeds, False)
  def vjp_create_graph(self: __torch__.DiffoptAutograd, outputs: List[Tensor], inputs: List[Tensor], seeds: List[Tensor]) -> List[Tensor]:
    return self.vjp(outputs, inputs, seeds, True)
  def vjp(self: __torch__.DiffoptAutograd, outputs: List[Tensor], inputs: List[Tensor], seeds: List[Tensor], create_graph: bool) -> List[Tensor]:
    used_outputs = annotate(List[Tensor], [])
    used_seeds = annotate(List[Optional[Tensor]], [])
    for i in range(len(outputs)):
      if outputs[i].requires_grad:
        used_outputs.append(outputs[i])
        used_seeds.append(seeds[i])
    result = annotate(List[Tensor], [])
    if len(used_outputs) == 0:
      for x in inputs:
        result.append(torch.zeros_like(x))
      return result
    grads = torch.autograd.grad(used_outputs, inputs, used_seeds, True, create_graph, True)
    for i in range(len(grads)):
      g = grads[i]
      if g is None:
        result.append(torch.zeros_like(inputs[i]))
      else:
        result.append(g)
    return result
  def differentiable_inputs(self: __torch__.DiffoptAutograd, inputs: List[Tensor]) -> List[Tensor]:
    result = annotate(List[Tensor], [])
    for x in inputs:
      if x.requires_grad:
        result.append(x.view_as(x))
      else:
        result.append(x.detach().requires_grad_(True))
    return result
  def requires_grad(self: __torch__.DiffoptAutograd, inputs: List[Tensor]) -> List[bool]:
    result = annotate(List[bool], [])
    for x in inputs:
      result.append(x.requires_grad)
    return result
  def to_float32(self: __torch__.DiffoptAutograd, xs: List[Tensor]) -> List[Tensor]:
    result = annotate(List[Tensor], [])
    for x in xs:
      result.append(x.to(6))  # ScalarType Float
    return result
  def to_float64(self: __torch__.DiffoptAutograd, xs: List[Tensor]) -> List[Tensor]:
    result = annotate(List[Tensor], [])
    for x in xs:
      result.append(x.to(7))  # ScalarType Double
    return result
